/** The console's texts in English and Traditional Chinese (Hong Kong), and the language choice. */

export const STRINGS = {
  en: {
    title: "Front desk",
    username: "Username",
    signIn: "Sign in",
    signOut: "Sign out",
    signingIn: "Signing in…",
    signInFailed: "That username is not a staff account here.",
    hostedSignIn: "Sign in with your clinic account",
    date: "Date",
    branch: "Branch",
    status: "Status",
    anyStatus: "Any status",
    search: "Reference or phone",
    find: "Find",
    clear: "Show the day",
    exportCsv: "Export CSV",
    note: "Note (optional)",
    history: "History",
    hideHistory: "Hide history",
    more: "Show more",
    none: "No registrations for this day.",
    loading: "Loading…",
    period: { morning: "Morning", afternoon: "Afternoon", evening: "Evening", any: "Any time" },
    statuses: {
      pending_confirmation: "To confirm",
      confirmed: "Confirmed",
      attended: "Attended",
      converted: "Converted",
      no_show: "No-show",
      cancelled: "Cancelled",
    },
    actions: {
      confirmed: "Confirm",
      attended: "Attended",
      converted: "Converted",
      no_show: "No-show",
      cancelled: "Cancel registration",
    },
    confirmCancel: (ref) => `Cancel ${ref}? The place and the person's free trial are released.`,
    stale: (status) => `Someone else changed this registration a moment ago. It is now: ${status}.`,
    saved: (ref, status) => `${ref}: ${status}.`,
    forbidden: "Your account may not see this branch.",
    expired: "Your sign-in has expired. Please sign in again.",
    failed: "Something went wrong. Please try again.",
    by: "by",
    customer: "the customer",
    signedInAs: (name) => `Signed in as ${name}`,
    language: "中文",
  },
  "zh-HK": {
    title: "前台登記",
    username: "用戶名稱",
    signIn: "登入",
    signOut: "登出",
    signingIn: "登入中…",
    signInFailed: "找不到這個員工帳戶。",
    hostedSignIn: "以診所帳戶登入",
    date: "日期",
    branch: "分店",
    status: "狀態",
    anyStatus: "所有狀態",
    search: "登記編號或電話",
    find: "搜尋",
    clear: "顯示當日",
    exportCsv: "匯出 CSV",
    note: "備註（選填）",
    history: "紀錄",
    hideHistory: "隱藏紀錄",
    more: "載入更多",
    none: "當日沒有登記。",
    loading: "載入中…",
    period: { morning: "上午", afternoon: "下午", evening: "晚上", any: "任何時間" },
    statuses: {
      pending_confirmation: "待確認",
      confirmed: "已確認",
      attended: "已到診",
      converted: "已購買療程",
      no_show: "未有出席",
      cancelled: "已取消",
    },
    actions: {
      confirmed: "確認",
      attended: "已到診",
      converted: "已購買療程",
      no_show: "未有出席",
      cancelled: "取消登記",
    },
    confirmCancel: (ref) => `確定取消 ${ref}？名額及客人的免費體驗資格將會釋出。`,
    stale: (status) => `此登記剛被其他同事更新，現時狀態為：${status}。`,
    saved: (ref, status) => `${ref}：${status}。`,
    forbidden: "你的帳戶無權查看此分店。",
    expired: "登入已過期，請重新登入。",
    failed: "出現問題，請再試一次。",
    by: "由",
    customer: "客人",
    signedInAs: (name) => `已登入：${name}`,
    language: "English",
  },
};

/** `en` or `zh-HK`: `?lang=` first, then the browser's languages, as the widgets do. */
export function chooseLang(search = location.search, languages = navigator.languages) {
  const asked = new URLSearchParams(search).get("lang");
  for (const tag of [asked, ...(languages || [])]) {
    const lower = (tag || "").toLowerCase();
    if (!lower) continue;
    if (lower === "zh" || lower.startsWith("zh-hk") || lower.startsWith("zh-hant") || lower.startsWith("zh-mo")) {
      return "zh-HK";
    }
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}
