/**
 * The clinic's website widgets: the free-trial registration form, the pore questionnaire
 * and the FAQ search. One dependency-free ES module, included by a page with
 *
 *   <script type="module" src="…/clinic-widgets.js" data-api="https://api.example/v1"></script>
 *
 * It mounts every placeholder it finds:
 *   <div data-clinic-widget="registration" data-treatment="acne-treatment"></div>
 *   <div data-clinic-widget="questionnaire"></div>
 *   <div data-clinic-widget="faq"></div>
 *
 * `data-api` empty or absent means the page's own origin. The language comes from
 * `<html lang>` (zh-HK, zh-Hant or zh → Traditional Chinese, anything else → English); every
 * API call sends it, so the API's texts (treatments, reasons, errors, FAQ) match the page.
 * The widgets talk to each other through one event on `document`: `clinic:register`
 * (detail: treatment, recommendationId, summary) asks the registration form to take over.
 *
 * After a registration, the success panel gives a private manage link: this page's URL with
 * the fragment `#clinic-manage=<reference>.<manage_token>`. Opening it (on load or on
 * `hashchange`) makes the registration widget show the booking and let the person cancel it.
 */

const MODULE_URL = import.meta.url;
const REGISTER_EVENT = "clinic:register";
const SEARCH_DELAY_MS = 250;
// `#clinic-manage=REF.TOKEN` opens the manage panel. A fragment never leaves the browser: the
// token is sent only in the X-Manage-Token header, and never logged.
const MANAGE_KEY = "clinic-manage";
const HK_TIME_ZONE = "Asia/Hong_Kong";

const SCRIPT =
  [...document.querySelectorAll("script[src]")].find((script) => script.src === MODULE_URL) ??
  document.querySelector('script[src*="clinic-widgets"]');
const API_BASE = (SCRIPT?.dataset.api ?? "").trim().replace(/\/+$/, "");
const LANG = pageLang(document.documentElement.lang);
const LOCALE = LANG === "zh-HK" ? "zh-HK" : "en-HK";

/** `en` or `zh-HK` from the page's language tag. */
function pageLang(tag) {
  const lower = (tag || "").toLowerCase();
  return lower === "zh" || lower.startsWith("zh-hk") || lower.startsWith("zh-hant") || lower.startsWith("zh-mo")
    ? "zh-HK"
    : "en";
}

// --- texts -------------------------------------------------------------------------------

const STRINGS = {
  en: {
    loading: "Loading…",
    tryAgain: "Try again",
    networkError: "We couldn't reach the clinic. Please check your connection and try again.",
    serverError: "Sorry, something went wrong on our side. Please try again shortly.",
    busyError: (seconds) =>
      `Our system is busy right now. Please try again in about ${seconds} ${seconds === 1 ? "second" : "seconds"}.`,
    required: "(required)",
    optional: "(optional)",
    newTab: "(opens in a new tab)",
    noForm: "The registration form is not on this page.",
    periods: { any: "Any time", morning: "Morning", afternoon: "Afternoon", evening: "Evening" },
    reg: {
      eyebrow: "Free trial",
      subtitle: "1 Minute Self-Registration",
      intro: "Leave your details and our staff will call you to confirm your appointment.",
      loadFailed: "Sorry, the registration form could not be loaded.",
      name: "Full name",
      nameHint: "In English or Chinese.",
      phone: "Hong Kong mobile number",
      phoneHint: "8 digits, for example 9123 4567.",
      email: "Email",
      emailHint: "In case we can't reach you by phone.",
      branch: "Branch",
      branchPlaceholder: "Choose a branch",
      branchHint: "Choose the branch most convenient for you.",
      branchClosedOn: (days) => `Closed every ${days}.`,
      date: "Preferred date",
      dateHint: (min, max) => `From ${min} to ${max}.`,
      dateHolidays: (list) => `Closed on public holidays (${list}).`,
      dateHoliday: "The clinic is closed on this public holiday. Please choose another day.",
      dateBranchClosed: (branch, weekday) =>
        `Our ${branch} branch is closed on ${weekday}s. Please choose another day or branch.`,
      dateFull: "This day is fully booked. Please choose another day or branch.",
      period: "Preferred time",
      collectionTitle: "Personal Information Collection Statement",
      terms: "Registration Terms and Conditions",
      privacy: "Privacy Policy",
      readTerms: "Read the",
      and: "and",
      marketing: "Promotional messages (optional)",
      honeypot: "Leave this field empty",
      submit: "Register for the free trial",
      sending: "Sending…",
      successTitle: "Thank you, your registration is received",
      reference: "Your reference",
      willCall: "Our staff will call you to confirm your appointment. Please keep your reference number.",
      alreadyRegistered:
        "You had already registered with exactly these details, so nothing has changed. Here is your reference again.",
      manageTitle: "Need to change your plans?",
      manageLink: "Manage or cancel this booking",
      manageKeep:
        "Keep this link private: it works like a key to your booking. Bookmark it or save it somewhere safe, as it is shown only this once.",
      manageField: "Your private manage link",
      copy: "Copy link",
      copied: "Link copied. Keep it somewhere private.",
      copyFailed: "The link could not be copied automatically. It is selected: press Ctrl+C (or ⌘C) to copy it.",
      manageShownBefore:
        "This booking already exists. Its manage link was shown only once, when you first registered, and for your security it cannot be shown again. If you no longer have it, our staff can help when they call.",
      summaryTreatment: "Treatment",
      summaryBranch: "Branch",
      summaryDate: "Date",
      summaryTime: "Time",
      attached: (names) =>
        `Your questionnaire result (${names}) will be sent with your registration, so our staff can prepare your skin analysis.`,
      detach: "Don't send it",
      detached: "Your questionnaire result will not be sent.",
    },
    manage: {
      eyebrow: "Your booking",
      title: "Manage your booking",
      loading: "Loading your booking…",
      loaded: (reference, status) => `Booking ${reference}: ${status}.`,
      reference: "Booking reference",
      status: "Status",
      statuses: { pending_confirmation: "Pending confirmation", cancelled: "Cancelled" },
      treatment: "Treatment",
      branch: "Branch",
      date: "Preferred date",
      time: "Preferred time",
      phone: "Mobile number",
      email: "Email",
      noEmail: "Not given",
      marketing: "Promotional messages",
      yes: "Yes",
      no: "No",
      registered: "Registered",
      masked: "For your privacy, your phone number and email are partly hidden.",
      pendingNote: "Our staff will call you to confirm your appointment.",
      cancel: "Cancel this booking",
      confirmTitle: "Cancel this booking?",
      confirmText: (reference) =>
        `Booking ${reference} will be cancelled and your free-trial place released. This cannot be undone, but you can register again afterwards.`,
      confirmYes: "Yes, cancel my booking",
      confirmNo: "No, keep my booking",
      cancelling: "Cancelling…",
      cancelled: (reference) => `Your booking ${reference} has been cancelled.`,
      cancelledNote: "Your free-trial place has been released. You are welcome to book again at any time.",
      bookAgain: "Book again",
      invalid:
        "This manage link is not valid or has expired. Please check that you opened the whole link, or register for the free trial again.",
      bookTrial: "Book a free trial",
      loadFailed: "Sorry, your booking could not be loaded.",
      cancelFailed: "Sorry, your booking could not be cancelled.",
    },
    quiz: {
      title: "Find your pore type",
      intro:
        "Answer a few quick questions to see which pore type you likely have, what may be causing it and which treatments could suit you. It takes about a minute.",
      step: (index, total) => `Step ${index} of ${total}`,
      back: "Back",
      next: "Next",
      finish: "See my results",
      chooseOne: "Please choose one answer.",
      sending: "Looking at your answers…",
      yes: "Yes",
      no: "No",
      questions: {
        skin_type: {
          title: "How would you describe your skin?",
          options: {
            oily: "Oily: shiny all over by midday",
            dry: "Dry: often feels tight or flaky",
            combination: "Combination: oily T-zone, drier cheeks",
            normal: "Normal: rarely too oily or too dry",
            sensitive: "Sensitive: reacts or turns red easily",
          },
        },
        concerns: {
          title: "What would you like to improve?",
          hint: "Choose all that apply.",
          options: {
            enlarged_pores: "Enlarged pores",
            blackheads: "Blackheads",
            whiteheads: "Whiteheads",
            acne: "Acne",
            redness: "Redness",
            dullness: "Dull skin",
            dryness: "Dryness",
            roughness: "Rough texture",
            sagging: "Sagging, loss of firmness",
            acne_scars: "Acne scars",
            oiliness: "Oiliness",
          },
        },
        pore_shape: {
          title: "Look closely in a mirror: what shape are your pores?",
          options: {
            round: "Round and open",
            oval: "Oval, as if stretched",
            teardrop: "Teardrop, drooping downwards",
            unsure: "I'm not sure",
          },
        },
        age_range: {
          title: "How old are you?",
          options: { under_25: "Under 25", "25_34": "25–34", "35_44": "35–44", "45_plus": "45 or over" },
        },
        lifestyle: {
          title: "Does any of this sound like your everyday life?",
          hint: "Choose all that apply, or none.",
          options: {
            poor_sleep: "I often sleep too little",
            stress: "I'm often stressed",
            greasy_food: "I eat a lot of greasy or fried food",
            dairy: "I have a lot of dairy",
            humid_climate: "I spend a lot of time in hot, humid places",
            irregular_routine: "My daily routine is irregular",
          },
        },
        habits: {
          title: "Your skincare habits",
          hint: "Answer the ones you know.",
          options: {
            removes_makeup: "I always remove my makeup thoroughly before bed",
            exfoliates_weekly: "I exfoliate every week",
            moisturises: "I moisturise every day",
            uses_sunscreen: "I use sunscreen every day",
          },
        },
        precautions: {
          title: "Does anything here apply to you now?",
          hint: "This helps us suggest only treatments that suit you right now. Don't worry if you're unsure: our staff check this with you again at the clinic before any treatment.",
          options: {
            pregnant_or_breastfeeding: "I'm pregnant or breastfeeding",
            isotretinoin_recent: "I've taken oral isotretinoin (an acne medicine) in the past 12 months",
            active_infection: "I have a skin infection, cold sore or open wound on my face",
            recent_laser_or_peel: "I've had a laser treatment or a peel in the past few weeks",
            sunburn: "My face is sunburnt",
            photosensitive_medication: "I take medicine that makes my skin sensitive to light",
          },
        },
      },
      resultsTitle: "Your pore profile",
      mixed: "Your answers point to more than one pore type, which is common.",
      consultTitle: "Please talk to our staff before any treatment",
      typesTitle: "Your likely pore types",
      match: (percent) => `${percent}% match`,
      causesTitle: "What may be causing it",
      treatmentsTitle: "Treatments that may suit you",
      noTreatments: "We'd rather not suggest a treatment yet: our staff will advise you at a consultation.",
      sessions: "Sessions:",
      cautions: "Good to know",
      tipsTitle: "Daily tips for you",
      offerEyebrow: "Free trial",
      offerButton: "Register for the free trial",
      offerCheckFirst:
        "Because of your answers above, please discuss the trial with our staff first. You can still register: the skin analysis always comes before any treatment.",
      restart: "Start again",
    },
    faq: {
      title: "Frequently asked questions",
      searchLabel: "Search the questions",
      searchHint: "Type a few words, for example “does it hurt”.",
      countAll: (count) => `Showing all ${count} questions.`,
      countFound: (count, query) =>
        count === 1 ? `1 question matches “${query}”.` : `${count} questions match “${query}”.`,
      none: (query) => `No questions match “${query}”. Try other words, or ask our staff.`,
      fallback: "No direct match in English, so these answers were found through the Chinese text.",
      loadFailed: "Sorry, the questions could not be loaded.",
      related: "Related questions",
      helpful: "Was this helpful?",
      yes: "Yes",
      no: "No",
      thanks: "Thank you for your feedback.",
      feedbackFailed: "Sorry, your feedback could not be sent. Please try again.",
      handoff: "Can't find your answer?",
      handoffButton: "Book a free skin analysis and ask our team",
    },
  },
  "zh-HK": {
    loading: "載入中…",
    tryAgain: "再試一次",
    networkError: "暫時未能連線至診所。請檢查網絡連線後再試。",
    serverError: "抱歉，系統出現問題。請稍後再試。",
    busyError: (seconds) => `系統現正繁忙，請約${seconds}秒後再試。`,
    required: "（必填）",
    optional: "（選填）",
    newTab: "（在新分頁開啟）",
    noForm: "此頁面沒有登記表格。",
    periods: { any: "任何時間", morning: "上午", afternoon: "下午", evening: "晚上" },
    reg: {
      eyebrow: "免費體驗",
      subtitle: "1分鐘自助登記",
      intro: "留下你的資料，我們的職員會致電與你確認預約。",
      loadFailed: "抱歉，未能載入登記表格。",
      name: "姓名",
      nameHint: "中文或英文均可。",
      phone: "香港手提電話號碼",
      phoneHint: "8位數字，例如 9123 4567。",
      email: "電郵",
      emailHint: "方便我們未能致電時聯絡你。",
      branch: "分店",
      branchPlaceholder: "請選擇分店",
      branchHint: "選擇對你最方便的分店。",
      branchClosedOn: (days) => `逢${days}休息。`,
      date: "心儀日期",
      dateHint: (min, max) => `可選 ${min} 至 ${max}。`,
      dateHolidays: (list) => `公眾假期休息（${list}）。`,
      dateHoliday: "診所於這個公眾假期休息，請選擇其他日子。",
      dateBranchClosed: (branch, weekday) => `${branch}分店逢${weekday}休息，請選擇其他日子或分店。`,
      dateFull: "這一天的名額已滿，請選擇其他日子或分店。",
      period: "心儀時段",
      collectionTitle: "收集個人資料聲明",
      terms: "登記條款及細則",
      privacy: "私隱政策",
      readTerms: "閱讀",
      and: "及",
      marketing: "推廣資訊（選填）",
      honeypot: "請勿填寫此欄",
      submit: "立即登記免費體驗",
      sending: "正在提交…",
      successTitle: "謝謝！我們已收到你的登記",
      reference: "你的參考編號",
      willCall: "我們的職員會致電與你確認預約，請保留你的參考編號。",
      alreadyRegistered: "你之前已用相同資料登記，登記內容沒有改變。以下是你的參考編號。",
      manageTitle: "需要更改安排？",
      manageLink: "管理或取消此預約",
      manageKeep: "請妥善保管此連結，切勿與他人分享：它就像你預約的鑰匙。請把它加入書籤或儲存在安全的地方，此連結只會顯示這一次。",
      manageField: "你的私人管理連結",
      copy: "複製連結",
      copied: "已複製連結，請妥善保存。",
      copyFailed: "未能自動複製連結。連結已被選取，請按 Ctrl+C（或 ⌘C）複製。",
      manageShownBefore:
        "此預約已經存在。管理連結只會在你首次登記時顯示一次，為保障你的安全，不能再次顯示。如你已遺失連結，職員致電時可以協助你。",
      summaryTreatment: "療程",
      summaryBranch: "分店",
      summaryDate: "日期",
      summaryTime: "時段",
      attached: (names) => `你的問卷結果（${names}）會連同登記一併提交，方便職員為你準備皮膚分析。`,
      detach: "不要提交問卷結果",
      detached: "你的問卷結果不會提交。",
    },
    manage: {
      eyebrow: "你的預約",
      title: "管理你的預約",
      loading: "正在載入你的預約…",
      loaded: (reference, status) => `預約 ${reference}：${status}。`,
      reference: "參考編號",
      status: "狀態",
      statuses: { pending_confirmation: "等待確認", cancelled: "已取消" },
      treatment: "療程",
      branch: "分店",
      date: "心儀日期",
      time: "心儀時段",
      phone: "手提電話號碼",
      email: "電郵",
      noEmail: "未有提供",
      marketing: "接收推廣資訊",
      yes: "是",
      no: "否",
      registered: "登記時間",
      masked: "為保障你的私隱，電話號碼及電郵只會部分顯示。",
      pendingNote: "我們的職員會致電與你確認預約。",
      cancel: "取消此預約",
      confirmTitle: "確定取消此預約？",
      confirmText: (reference) =>
        `預約 ${reference} 將會取消，你的免費體驗名額亦會釋出。取消後不能復原，但你之後可以重新登記。`,
      confirmYes: "確定取消預約",
      confirmNo: "保留我的預約",
      cancelling: "正在取消…",
      cancelled: (reference) => `你的預約 ${reference} 已經取消。`,
      cancelledNote: "你的免費體驗名額已經釋出，歡迎隨時重新預約。",
      bookAgain: "重新預約",
      invalid: "此管理連結無效或已過期。請確認你開啟的是完整的連結，或重新登記免費體驗。",
      bookTrial: "登記免費體驗",
      loadFailed: "抱歉，未能載入你的預約。",
      cancelFailed: "抱歉，未能取消你的預約。",
    },
    quiz: {
      title: "測一測你的毛孔類型",
      intro: "回答幾條簡單問題，了解你較可能屬於哪種毛孔類型、成因，以及哪些療程或適合你。只需約1分鐘。",
      step: (index, total) => `第 ${index} 步，共 ${total} 步`,
      back: "上一步",
      next: "下一步",
      finish: "查看結果",
      chooseOne: "請選擇一個答案。",
      sending: "正在分析你的答案…",
      yes: "是",
      no: "否",
      questions: {
        skin_type: {
          title: "你會怎樣形容自己的皮膚？",
          options: {
            oily: "油性：到中午已全臉泛油光",
            dry: "乾性：經常感到繃緊或脫皮",
            combination: "混合性：T字位油、兩頰較乾",
            normal: "中性：很少過油或過乾",
            sensitive: "敏感性：容易有反應或泛紅",
          },
        },
        concerns: {
          title: "你最想改善哪些問題？",
          hint: "可選多項。",
          options: {
            enlarged_pores: "毛孔粗大",
            blackheads: "黑頭",
            whiteheads: "白頭",
            acne: "暗瘡",
            redness: "泛紅",
            dullness: "膚色暗啞",
            dryness: "乾燥",
            roughness: "皮膚粗糙",
            sagging: "鬆弛、失去緊緻",
            acne_scars: "暗瘡印、凹凸洞",
            oiliness: "容易出油",
          },
        },
        pore_shape: {
          title: "對着鏡子細看：你的毛孔是甚麼形狀？",
          options: {
            round: "圓形、明顯張開",
            oval: "橢圓形，好像被拉闊",
            teardrop: "水滴形，向下垂",
            unsure: "不確定",
          },
        },
        age_range: {
          title: "你的年齡是？",
          options: { under_25: "25歲以下", "25_34": "25至34歲", "35_44": "35至44歲", "45_plus": "45歲或以上" },
        },
        lifestyle: {
          title: "以下哪些情況像你的日常生活？",
          hint: "可選多項，或不選。",
          options: {
            poor_sleep: "經常睡眠不足",
            stress: "經常感到壓力大",
            greasy_food: "常吃油膩或煎炸食物",
            dairy: "常吃奶類製品",
            humid_climate: "經常處身濕熱環境",
            irregular_routine: "作息不定時",
          },
        },
        habits: {
          title: "你的護膚習慣",
          hint: "回答你知道的便可。",
          options: {
            removes_makeup: "每晚睡前都徹底卸妝",
            exfoliates_weekly: "每星期都去角質",
            moisturises: "每天都做保濕",
            uses_sunscreen: "每天都塗防曬",
          },
        },
        precautions: {
          title: "以下有沒有適用於你目前的情況？",
          hint: "這有助我們只建議現階段適合你的療程。如不確定也不用擔心：進行任何療程前，診所職員都會再與你確認。",
          options: {
            pregnant_or_breastfeeding: "正懷孕或哺乳",
            isotretinoin_recent: "過去12個月內曾服用口服A酸（isotretinoin，一種暗瘡藥）",
            active_infection: "面部皮膚有感染、唇疱疹或傷口",
            recent_laser_or_peel: "過去數星期內曾做激光或換膚療程",
            sunburn: "面部曬傷",
            photosensitive_medication: "正服用令皮膚對光線敏感的藥物",
          },
        },
      },
      resultsTitle: "你的毛孔分析",
      mixed: "你的答案顯示你可能同時有多種毛孔類型，這情況十分常見。",
      consultTitle: "進行任何療程前，請先與職員傾談",
      typesTitle: "你較可能的毛孔類型",
      match: (percent) => `吻合度 ${percent}%`,
      causesTitle: "可能的成因",
      treatmentsTitle: "或適合你的療程",
      noTreatments: "現階段我們暫不建議任何療程，職員會在諮詢時為你提供意見。",
      sessions: "療程次數：",
      cautions: "注意事項",
      tipsTitle: "給你的日常護膚貼士",
      offerEyebrow: "免費體驗",
      offerButton: "登記免費體驗",
      offerCheckFirst:
        "基於你在上面的答案，請先與職員商討是否適合體驗療程。你仍可登記：進行任何療程前，一定會先做皮膚分析。",
      restart: "重新開始",
    },
    faq: {
      title: "常見問題",
      searchLabel: "搜尋問題",
      searchHint: "輸入關鍵字，例如「痛唔痛」。",
      countAll: (count) => `顯示全部 ${count} 條問題。`,
      countFound: (count, query) => `找到 ${count} 條與「${query}」相關的問題。`,
      none: (query) => `找不到與「${query}」相關的問題。請試用其他字詞，或向職員查詢。`,
      fallback: "找不到中文的直接配對，以下答案是透過英文內容找到的。",
      loadFailed: "抱歉，未能載入常見問題。",
      related: "相關問題",
      helpful: "這個答案對你有幫助嗎？",
      yes: "有",
      no: "沒有",
      thanks: "謝謝你的意見。",
      feedbackFailed: "抱歉，未能提交你的意見，請再試一次。",
      handoff: "找不到你想要的答案？",
      handoffButton: "預約免費皮膚分析，親身向我們查詢",
    },
  },
};

const T = STRINGS[LANG];

// --- small helpers -----------------------------------------------------------------------

let idCounter = 0;

/** A document-unique id with a readable prefix. */
function uid(prefix) {
  idCounter += 1;
  return `clinic-${prefix}-${idCounter}`;
}

/**
 * An element: `props` are attributes (`class`, `text` and `on<event>` handlers are special,
 * `true` sets an empty attribute, `false`/null/undefined skip it); children are nodes or
 * strings (always added as text, never parsed as HTML).
 */
function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "text") element.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

/** Seconds to wait from a Retry-After header (seconds or an HTTP date), or null. */
function retryAfterSeconds(header) {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Math.max(1, Number(header));
  const when = Date.parse(header);
  return Number.isNaN(when) ? null : Math.max(1, Math.ceil((when - Date.now()) / 1000));
}

/**
 * Call the API. Resolves to `{status, data, retryAfter}`; a network failure (including a
 * refused cross-origin call) is status 0. An aborted call rejects with its AbortError.
 * `headers` are extra request headers (the manage token travels only there).
 */
async function callApi(method, path, { query = {}, body, signal, headers = {} } = {}) {
  const url = new URL(API_BASE + path, location.href);
  for (const [key, value] of Object.entries({ ...query, lang: LANG })) url.searchParams.set(key, value);
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? { ...headers } : { ...headers, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    return { status: 0, data: null, retryAfter: null };
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { status: response.status, data, retryAfter: retryAfterSeconds(response.headers.get("Retry-After")) };
}

/** The friendly message for a failed call that the person can only retry. */
function retryMessage(result) {
  if (result.status === 0) return T.networkError;
  if (result.retryAfter) return T.busyError(result.retryAfter);
  return T.serverError;
}

/** A calendar date `YYYY-MM-DD` as a Date at midnight UTC (no time-zone drift). */
function utcDate(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day));
}

/** `YYYY-MM-DD` written out in the page's language. */
function formatDate(iso, options = { day: "numeric", month: "long", year: "numeric" }) {
  return new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: "UTC" }).format(utcDate(iso));
}

/** The weekday of `YYYY-MM-DD`, Monday = 0 (the API's numbering). */
function weekdayIndex(iso) {
  return (utcDate(iso).getUTCDay() + 6) % 7;
}

/** A weekday's name (Monday = 0) in the page's language. */
function weekdayName(index) {
  return new Intl.DateTimeFormat(LOCALE, { weekday: "long", timeZone: "UTC" }).format(
    new Date(Date.UTC(2024, 0, 1 + index)),
  );
}

/** A list joined the language's way. */
function joinList(items) {
  return new Intl.ListFormat(LOCALE, { style: "long", type: "conjunction" }).format(items);
}

/** A Hong Kong calendar date `YYYY-MM-DD` written out in the page's language. */
function formatHongKongDate(iso, options = { weekday: "long", day: "numeric", month: "long", year: "numeric" }) {
  const noon = new Date(`${iso}T12:00:00+08:00`);
  return Number.isNaN(noon.getTime())
    ? iso
    : new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: HK_TIME_ZONE }).format(noon);
}

/** An instant (ISO 8601 with its zone) as a date and time in Hong Kong, in the page's language. */
function formatHongKongTime(iso) {
  const when = new Date(iso);
  return Number.isNaN(when.getTime())
    ? iso
    : new Intl.DateTimeFormat(LOCALE, { dateStyle: "long", timeStyle: "short", timeZone: HK_TIME_ZONE }).format(when);
}

/** Whether the page's fragment is a manage link. */
function isManageHash(hash = location.hash) {
  return hash.replace(/^#/, "").startsWith(`${MANAGE_KEY}=`);
}

/**
 * The manage link in the page's fragment as `{reference, token, valid}`, or null when the
 * fragment is not one. `valid` is false when it cannot be a link the API gave (it is then
 * never sent).
 */
function manageLinkFromHash(hash = location.hash) {
  if (!isManageHash(hash)) return null;
  let value = hash.replace(/^#/, "").slice(MANAGE_KEY.length + 1);
  try {
    value = decodeURIComponent(value);
  } catch {
    // not percent-encoded: use it as it is
  }
  const dot = value.indexOf(".");
  const reference = dot > 0 ? value.slice(0, dot).trim().toUpperCase() : "";
  const token = dot > 0 ? value.slice(dot + 1).trim() : "";
  const valid = /^PM-?[0-9A-Z]{4}-?[0-9A-Z]{4}$/.test(reference) && /^[A-Za-z0-9_-]{16,256}$/.test(token);
  return { reference, token, valid };
}

/** This page's URL without its fragment. */
function pageUrlWithoutFragment() {
  return location.href.split("#")[0];
}

/** This page's URL that opens the manage panel of a registration. */
function manageUrl(reference, token) {
  return `${pageUrlWithoutFragment()}#${MANAGE_KEY}=${reference}.${token}`;
}

/** A bar filled to `percent` (set through the CSSOM, so a strict style-src CSP allows it). */
function widthBar(percent) {
  const bar = h("span");
  bar.style.width = `${percent}%`;
  return bar;
}

/** A status block that screen readers announce when its text changes. */
function liveRegion(className, politeness = "polite") {
  return h("div", { class: className, role: politeness === "assertive" ? "alert" : "status", "aria-live": politeness });
}

/** Replace a live region's content (an empty message clears it). */
function announce(region, message, tone = "info") {
  region.replaceChildren();
  region.dataset.tone = tone;
  if (message) region.append(message);
}

/**
 * Ask the page's registration form to take over (scroll, focus, pre-fill). True when a form
 * answered the event.
 */
function requestRegistration(detail) {
  const event = new CustomEvent(REGISTER_EVENT, { detail, cancelable: true });
  return !document.dispatchEvent(event);
}

// --- registration ------------------------------------------------------------------------

/** The registration widget that answers manage links (the page's first one). */
let manageOwner = null;

/**
 * The "1 Minute Self-Registration" free-trial form; with a manage link in the page's
 * fragment, the manage panel of that booking instead.
 */
class RegistrationWidget {
  constructor(root) {
    this.root = root;
    this.treatment = root.dataset.treatment || "acne-treatment";
    this.id = uid("reg");
    this.options = null;
    this.fields = {};
    this.sending = false;
    this.pending = null;
    this.recommendation = null;
    this.manageLink = null;
    this.booking = null;
    this.manageController = null;
    this.cancelling = false;
    document.addEventListener(REGISTER_EVENT, (event) => this.onRegisterRequest(event));
    this.handlesManage = manageOwner === null;
    if (this.handlesManage) {
      manageOwner = this;
      window.addEventListener("hashchange", () => this.onHashChange());
    }
  }

  async load() {
    const link = this.handlesManage ? manageLinkFromHash() : null;
    if (link) {
      this.showManage(link);
      this.preloadOptions();
      return;
    }
    this.root.setAttribute("aria-busy", "true");
    this.root.replaceChildren(h("p", { class: "clinic-loading" }, T.loading));
    const result = await callApi("GET", "/registration-options", { query: { treatment: this.treatment } });
    this.root.removeAttribute("aria-busy");
    if (this.manageLink) {
      // A manage link was opened meanwhile: keep its panel, remember the options for later.
      if (result.status === 200 && result.data) this.options = result.data;
      return;
    }
    if (result.status !== 200 || !result.data) {
      const status = liveRegion("clinic-alert", "assertive");
      this.root.replaceChildren(
        h(
          "div",
          { class: "clinic-card" },
          status,
          h(
            "button",
            { type: "button", class: "clinic-button clinic-button--secondary", onclick: () => this.load() },
            T.tryAgain,
          ),
        ),
      );
      announce(status, `${T.reg.loadFailed} ${retryMessage(result)}`, "error");
      return;
    }
    this.options = result.data;
    this.render();
    if (this.pending) this.takeOver(this.pending);
  }

  /** The form's options, fetched while the manage panel shows (for "Book again"). */
  async preloadOptions() {
    const result = await callApi("GET", "/registration-options", { query: { treatment: this.treatment } });
    if (result.status !== 200 || !result.data || this.options) return;
    this.options = result.data;
    if (this.pending) this.takeOver(this.pending);
  }

  onRegisterRequest(event) {
    if (event.defaultPrevented) return;
    const wanted = event.detail?.treatment;
    if (wanted && wanted !== this.treatment) return;
    event.preventDefault();
    if (this.options) this.takeOver(event.detail);
    else this.pending = event.detail;
  }

  /** Attach a questionnaire result (if any), then bring the form into view and focus it. */
  takeOver(detail) {
    this.pending = null;
    if (detail?.recommendationId && this.form?.isConnected) this.attachRecommendation(detail);
    this.root.scrollIntoView({
      block: "start",
      behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth",
    });
    const target = this.form?.isConnected ? this.fields.name.control : this.root.querySelector("[tabindex='-1']");
    target?.focus({ preventScroll: true });
  }

  attachRecommendation(detail) {
    this.recommendation = detail.recommendationId;
    this.recommendationInput.value = detail.recommendationId;
    const detach = h(
      "button",
      {
        type: "button",
        class: "clinic-link-button",
        onclick: () => {
          this.recommendation = null;
          this.recommendationInput.value = "";
          announce(this.attachedNote, T.reg.detached);
        },
      },
      T.reg.detach,
    );
    announce(this.attachedNote, h("span", {}, T.reg.attached(detail.summary || ""), " ", detach));
  }

  render() {
    const o = this.options;
    this.recommendation = null;
    this.alert = liveRegion("clinic-alert", "assertive");
    this.attachedNote = liveRegion("clinic-note clinic-attached");
    this.recommendationInput = h("input", { type: "hidden", name: "recommendation_id", value: "" });

    const name = this.textField("name", T.reg.name, {
      type: "text",
      autocomplete: "name",
      required: true,
      maxlength: 80,
      hint: T.reg.nameHint,
    });
    const phone = this.textField("phone", T.reg.phone, {
      type: "tel",
      autocomplete: "tel-national",
      inputmode: "tel",
      required: true,
      maxlength: 20,
      hint: T.reg.phoneHint,
      prefix: "+852",
    });
    const email = this.textField("email", T.reg.email, {
      type: "email",
      autocomplete: "email",
      maxlength: 254,
      hint: T.reg.emailHint,
    });
    const branch = this.branchField(o.branches);
    const date = this.dateField(o);
    const period = this.periodField(o.periods);
    const consent = this.consentBlock(o.consent);
    const honeypot = h(
      "div",
      { class: "clinic-hp", "aria-hidden": "true" },
      h("label", { for: `${this.id}-website` }, T.reg.honeypot),
      h("input", {
        id: `${this.id}-website`,
        type: "text",
        name: "website",
        tabindex: "-1",
        autocomplete: "off",
        value: "",
      }),
    );
    this.submitButton = h(
      "button",
      { type: "submit", class: "clinic-button clinic-button--primary clinic-submit" },
      T.reg.submit,
    );

    const titleId = `${this.id}-title`;
    this.form = h(
      "form",
      { class: "clinic-form", novalidate: true, "aria-labelledby": titleId, onsubmit: (event) => this.submit(event) },
      this.attachedNote,
      h("div", { class: "clinic-grid" }, name, phone, email, branch, date, period),
      consent,
      honeypot,
      this.recommendationInput,
      this.alert,
      h("div", { class: "clinic-actions" }, this.submitButton),
    );
    this.root.replaceChildren(
      h(
        "section",
        { class: "clinic-card clinic-registration" },
        h(
          "header",
          { class: "clinic-card-header" },
          h("p", { class: "clinic-eyebrow" }, T.reg.eyebrow),
          h(
            "h2",
            { class: "clinic-title", id: titleId },
            h("span", {}, o.treatment?.name ?? ""),
            h("span", { class: "clinic-subtitle" }, T.reg.subtitle),
          ),
          h("p", { class: "clinic-lead" }, T.reg.intro),
        ),
        this.form,
      ),
    );
  }

  /** A labelled field: label, hint, control, inline error; remembered under `key`. */
  field(key, labelText, control, { hint, required, prefix, tag = true } = {}) {
    const id = `${this.id}-${key}`;
    control.id = id;
    control.name = key;
    const hintId = `${id}-hint`;
    const hintEl = hint ? h("p", { class: "clinic-hint", id: hintId }, hint) : null;
    // Only the date's message can appear on its own (on change); the others come with the
    // form-level alert, so one announcement is enough for them.
    const error = h("p", {
      class: "clinic-error",
      id: `${id}-error`,
      "aria-live": key === "preferred_date" ? "polite" : null,
    });
    const label = h(
      "label",
      { class: "clinic-label", for: id },
      labelText,
      tag ? [" ", h("span", { class: "clinic-tag" }, required ? T.required : T.optional)] : null,
    );
    const isCheck = control.type === "checkbox";
    const wrapper = h(
      "div",
      { class: `clinic-field clinic-field--${key}${isCheck ? " clinic-field--check" : ""}` },
      isCheck ? h("div", { class: "clinic-check" }, control, label) : label,
      hintEl,
      isCheck
        ? null
        : prefix
          ? h(
              "div",
              { class: "clinic-prefixed" },
              h("span", { class: "clinic-prefix", "aria-hidden": "true" }, prefix),
              control,
            )
          : control,
      error,
    );
    if (required) control.setAttribute("aria-required", "true");
    this.fields[key] = { control, error, hintIds: hintEl ? [hintId] : [], wrapper };
    this.describe(key);
    return wrapper;
  }

  /** Add a note under the control of `key` (before its error), described by it too. */
  addNote(key, note) {
    const field = this.fields[key];
    field.wrapper.insertBefore(note, field.error);
    field.hintIds.push(note.id);
    this.describe(key);
  }

  textField(key, labelText, { hint, required, prefix, ...attributes }) {
    const control = h("input", { class: "clinic-input", ...attributes });
    return this.field(key, labelText, control, { hint, required, prefix });
  }

  branchField(branches) {
    this.branches = new Map(branches.map((branch) => [branch.id, branch]));
    const select = h(
      "select",
      { class: "clinic-input clinic-select", onchange: () => this.onBranchChange() },
      h("option", { value: "" }, T.reg.branchPlaceholder),
      branches.map((branch) => h("option", { value: branch.id }, `${branch.name} – ${branch.address}`)),
    );
    this.branchNote = h("p", { class: "clinic-hint clinic-branch-note", id: `${this.id}-branch-note` });
    const wrapper = this.field("branch", T.reg.branch, select, { required: true, hint: T.reg.branchHint });
    this.addNote("branch", this.branchNote);
    return wrapper;
  }

  dateField(o) {
    const input = h("input", {
      class: "clinic-input",
      type: "date",
      min: o.min_date,
      max: o.max_date,
      onchange: () => this.checkDate(),
      oninput: () => this.checkDate(),
    });
    const short = { day: "numeric", month: "short", year: "numeric" };
    const wrapper = this.field("preferred_date", T.reg.date, input, {
      hint: T.reg.dateHint(formatDate(o.min_date, short), formatDate(o.max_date, short)),
      required: true,
    });
    const holidays = o.closed_dates.map((day) => formatDate(day, { day: "numeric", month: "short" }));
    if (holidays.length)
      this.addNote(
        "preferred_date",
        h("p", { class: "clinic-hint", id: `${this.id}-holidays` }, T.reg.dateHolidays(joinList(holidays))),
      );
    return wrapper;
  }

  periodField(periods) {
    const name = `${this.id}-period`;
    const choices = ["any", ...periods].map((period) =>
      h(
        "label",
        { class: "clinic-choice clinic-choice--inline" },
        h("input", { type: "radio", name, value: period === "any" ? "" : period, checked: period === "any" }),
        h("span", {}, T.periods[period] ?? period),
      ),
    );
    const errorId = `${this.id}-preferred_period-error`;
    const error = h("p", { class: "clinic-error", id: errorId });
    const fieldset = h(
      "fieldset",
      { class: "clinic-field clinic-field--preferred_period clinic-fieldset" },
      h("legend", { class: "clinic-label" }, T.reg.period, " ", h("span", { class: "clinic-tag" }, T.optional)),
      h("div", { class: "clinic-choices clinic-choices--inline" }, choices),
      error,
    );
    this.fields.preferred_period = {
      control: fieldset.querySelector("input"),
      group: fieldset,
      error,
      hintIds: [],
      wrapper: fieldset,
    };
    return fieldset;
  }

  consentBlock(consent) {
    const termsBox = h("input", { type: "checkbox", class: "clinic-checkbox", value: "yes" });
    const link = (href, text) =>
      h(
        "a",
        { href, target: "_blank", rel: "noopener" },
        text,
        h("span", { class: "clinic-visually-hidden" }, ` ${T.newTab}`),
      );
    const terms = this.field("agree_terms", consent.terms_label, termsBox, { required: true });
    const termsLinks = h(
      "p",
      { class: "clinic-hint clinic-terms-links", id: `${this.id}-agree_terms-links` },
      `${T.reg.readTerms} `,
      link(consent.terms_url, T.reg.terms),
      ` ${T.reg.and} `,
      link(consent.privacy_url, T.reg.privacy),
    );
    this.addNote("agree_terms", termsLinks);

    const marketingBox = h("input", { type: "checkbox", class: "clinic-checkbox", value: "yes" });
    const marketing = this.field("marketing_consent", consent.marketing_statement, marketingBox, { tag: false });
    marketing.prepend(h("p", { class: "clinic-consent-title" }, T.reg.marketing));

    return h(
      "div",
      { class: "clinic-consent" },
      h(
        "details",
        { class: "clinic-statement" },
        h("summary", {}, T.reg.collectionTitle),
        h("p", {}, consent.collection_statement),
      ),
      terms,
      marketing,
    );
  }

  /** Point the control's aria-describedby at its hint and (when shown) its error. */
  describe(key) {
    const field = this.fields[key];
    const ids = [...field.hintIds, field.error.textContent ? field.error.id : null].filter(Boolean);
    const target = field.group ?? field.control;
    if (ids.length) target.setAttribute("aria-describedby", ids.join(" "));
    else target.removeAttribute("aria-describedby");
  }

  setError(key, message) {
    const field = this.fields[key];
    field.error.textContent = message || "";
    const target = field.group ?? field.control;
    if (message) target.setAttribute("aria-invalid", "true");
    else target.removeAttribute("aria-invalid");
    field.wrapper.classList.toggle("clinic-field--invalid", Boolean(message));
    this.describe(key);
  }

  onBranchChange() {
    const branch = this.branches.get(this.fields.branch.control.value);
    const closed = branch?.closed_weekdays ?? [];
    this.branchNote.textContent = closed.length ? T.reg.branchClosedOn(joinList(closed.map(weekdayName))) : "";
    this.setError("branch", "");
    this.checkDate();
  }

  /** Why the chosen date cannot be booked at the chosen branch, or "" when it can. */
  dateProblem() {
    const day = this.fields.preferred_date.control.value;
    if (!day) return "";
    const o = this.options;
    const branch = this.branches.get(this.fields.branch.control.value);
    if (o.closed_dates.includes(day)) return T.reg.dateHoliday;
    if (branch?.closed_weekdays.includes(weekdayIndex(day)))
      return T.reg.dateBranchClosed(branch.name, weekdayName(weekdayIndex(day)));
    if (o.full_dates.includes(day) || branch?.full_dates?.includes(day)) return T.reg.dateFull;
    return "";
  }

  checkDate() {
    const problem = this.dateProblem();
    if (problem || this.fields.preferred_date.error.textContent) this.setError("preferred_date", problem);
    return !problem;
  }

  payload() {
    const value = (key) => this.fields[key].control.value.trim();
    const params = new URLSearchParams(location.search);
    // Never the manage link: its fragment is a key to a booking.
    const source = { page_url: (isManageHash() ? pageUrlWithoutFragment() : location.href).slice(0, 2048) };
    for (const key of ["utm_source", "utm_medium", "utm_campaign"]) {
      if (params.get(key)) source[key] = params.get(key).slice(0, 100);
    }
    const period = this.form.querySelector(`input[name="${this.id}-period"]:checked`)?.value;
    const body = {
      name: value("name"),
      phone: value("phone"),
      email: value("email"),
      treatment: this.treatment,
      branch: value("branch"),
      preferred_date: value("preferred_date"),
      preferred_period: period,
      agree_terms: this.fields.agree_terms.control.checked,
      marketing_consent: this.fields.marketing_consent.control.checked,
      lang: LANG,
      recommendation_id: this.recommendation ?? "",
      source,
      website: this.form.elements.website.value,
    };
    // Leave out what was not given: the API then names the missing required fields itself.
    for (const key of Object.keys(body)) if (body[key] === "" && key !== "website") delete body[key];
    return body;
  }

  async submit(event) {
    event.preventDefault();
    if (this.sending) return;
    announce(this.alert, "");
    if (!this.checkDate()) {
      this.fields.preferred_date.control.focus();
      return;
    }
    this.sending = true;
    this.submitButton.disabled = true;
    this.submitButton.textContent = T.reg.sending;
    this.form.setAttribute("aria-busy", "true");
    const body = this.payload();
    const result = await callApi("POST", "/registrations", { body });
    this.form.removeAttribute("aria-busy");
    this.sending = false;
    this.submitButton.textContent = T.reg.submit;
    for (const key of Object.keys(this.fields)) this.setError(key, "");

    if ((result.status === 201 || result.status === 200) && result.data?.reference) {
      this.showSuccess(result.data, result.status === 201, body);
      return;
    }
    this.submitButton.disabled = false;
    const error = result.data?.error;
    if (result.status === 409 && error) {
      if (error.code === "DATE_FULL") this.markFull(body.branch, body.preferred_date);
      announce(this.alert, error.message, "error");
      return;
    }
    if (result.status === 422 && error?.fields?.length) {
      this.showFieldErrors(error);
      return;
    }
    announce(this.alert, retryMessage(result), "error");
    if (result.retryAfter) {
      // Respect Retry-After: the button comes back when the server is ready for another try.
      this.submitButton.disabled = true;
      setTimeout(() => {
        this.submitButton.disabled = false;
      }, result.retryAfter * 1000);
    }
  }

  markFull(branchId, day) {
    const branch = this.branches.get(branchId);
    if (branch && day) branch.full_dates = [...(branch.full_dates ?? []), day];
    this.checkDate();
  }

  showFieldErrors(error) {
    const unplaced = [];
    for (const problem of error.fields) {
      if (this.fields[problem.field]) this.setError(problem.field, problem.message);
      else unplaced.push(problem.message);
    }
    announce(this.alert, [error.message, ...unplaced].join(" "), "error");
    const firstInvalid = this.form.querySelector("[aria-invalid='true']");
    (firstInvalid?.matches("fieldset") ? firstInvalid.querySelector("input") : firstInvalid)?.focus();
  }

  showSuccess(data, created, body) {
    const branch = this.branches.get(data.branch);
    const titleId = `${this.id}-done`;
    const row = (label, value) => [h("dt", {}, label), h("dd", {}, value)];
    const heading = h("h2", { class: "clinic-title", id: titleId, tabindex: "-1" }, T.reg.successTitle);
    const panel = h(
      "section",
      { class: "clinic-card clinic-success", "aria-labelledby": titleId },
      h("div", { class: "clinic-success-icon", "aria-hidden": "true" }, "✓"),
      heading,
      h("p", { class: "clinic-reference-label" }, T.reg.reference),
      h("p", { class: "clinic-reference" }, data.reference),
      h("p", { class: "clinic-lead" }, created ? T.reg.willCall : T.reg.alreadyRegistered),
      h(
        "dl",
        { class: "clinic-summary" },
        row(T.reg.summaryTreatment, this.options.treatment?.name ?? data.treatment),
        row(T.reg.summaryBranch, branch ? `${branch.name} – ${branch.address}` : data.branch),
        row(
          T.reg.summaryDate,
          formatDate(data.preferred_date, { weekday: "long", day: "numeric", month: "long", year: "numeric" }),
        ),
        row(T.reg.summaryTime, T.periods[data.preferred_period ?? body.preferred_period ?? "any"] ?? T.periods.any),
      ),
      created && data.manage_token ? this.manageBox(data.reference, data.manage_token) : null,
      created ? null : h("p", { class: "clinic-note clinic-manage-shown-before" }, T.reg.manageShownBefore),
    );
    this.form = null;
    this.root.replaceChildren(panel);
    heading.focus();
  }

  /** The private manage link of a new registration: a link, a note, a copyable field. */
  manageBox(reference, token) {
    const url = manageUrl(reference, token);
    const fieldId = `${this.id}-manage-url`;
    const noteId = `${this.id}-manage-note`;
    const status = liveRegion("clinic-copy-status");
    const input = h("input", {
      id: fieldId,
      class: "clinic-input clinic-copy-input",
      type: "text",
      readonly: true,
      value: url,
      spellcheck: "false",
      autocomplete: "off",
      "aria-describedby": noteId,
      onfocus: (event) => event.currentTarget.select(),
    });
    const copy = h(
      "button",
      {
        type: "button",
        class: "clinic-button clinic-button--secondary clinic-copy-button",
        onclick: () => this.copyLink(input, status),
      },
      T.reg.copy,
    );
    return h(
      "div",
      { class: "clinic-manage-box" },
      h("h3", { class: "clinic-section-title" }, T.reg.manageTitle),
      h(
        "p",
        { class: "clinic-manage-link-row" },
        h("a", { class: "clinic-manage-link", href: url, "aria-describedby": noteId }, T.reg.manageLink),
      ),
      h("p", { class: "clinic-hint clinic-manage-keep", id: noteId }, T.reg.manageKeep),
      h("label", { class: "clinic-label", for: fieldId }, T.reg.manageField),
      h("div", { class: "clinic-copy" }, input, copy),
      status,
    );
  }

  /** Copy the manage link (the Clipboard API when there is one), else leave it selected. */
  async copyLink(input, status) {
    let copied = false;
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(input.value);
        copied = true;
      }
    } catch {
      copied = false; // denied or unavailable: fall back below
    }
    if (!copied) {
      input.focus();
      input.select();
      try {
        copied = document.execCommand("copy");
      } catch {
        copied = false;
      }
    }
    announce(status, copied ? T.reg.copied : T.reg.copyFailed, copied ? "success" : "info");
  }

  // --- manage panel ----------------------------------------------------------------------

  onHashChange() {
    const link = manageLinkFromHash();
    if (link) this.showManage(link);
    else if (this.manageLink && !location.hash) this.showForm();
  }

  /** Leave the manage panel: the link leaves the address bar, the empty form shows. */
  async showForm() {
    this.manageController?.abort();
    this.manageController = null;
    this.manageLink = null;
    this.booking = null;
    if (isManageHash()) history.replaceState(history.state, "", pageUrlWithoutFragment());
    if (this.options) this.render();
    else await this.load();
    if (this.form?.isConnected) this.fields.name.control.focus();
  }

  /** The manage panel of the booking `link` names: its heading takes the focus. */
  showManage(link) {
    this.manageController?.abort();
    this.manageController = null;
    this.manageLink = link;
    this.booking = null;
    this.form = null;
    const titleId = `${this.id}-manage-title`;
    this.manageHeading = h("h2", { class: "clinic-title", id: titleId, tabindex: "-1" }, T.manage.title);
    this.manageLive = liveRegion("clinic-visually-hidden");
    this.manageAlert = liveRegion("clinic-alert", "assertive");
    this.manageBody = h("div", { class: "clinic-manage-body" });
    this.root.removeAttribute("aria-busy");
    this.root.replaceChildren(
      h(
        "section",
        { class: "clinic-card clinic-manage", "aria-labelledby": titleId },
        h(
          "header",
          { class: "clinic-card-header" },
          h("p", { class: "clinic-eyebrow" }, T.manage.eyebrow),
          this.manageHeading,
        ),
        this.manageLive,
        this.manageAlert,
        this.manageBody,
      ),
    );
    this.root.scrollIntoView({ block: "start" });
    this.manageHeading.focus({ preventScroll: true });
    if (link.valid) {
      this.fetchManage();
    } else {
      // Not a link the API gave: say so without sending it (after a frame, so that the
      // new alert region is in the accessibility tree when its message arrives).
      requestAnimationFrame(() => {
        if (this.manageLink === link) this.showManageInvalid();
      });
    }
  }

  /** The headers that prove the person holds the manage link. */
  manageHeaders(link) {
    return { "X-Manage-Token": link.token };
  }

  managePath(link, suffix = "") {
    return `/registrations/${encodeURIComponent(link.reference)}${suffix}`;
  }

  /** Before the panel's body is replaced: keep the focus out of what disappears. */
  rescueFocus() {
    const active = document.activeElement;
    if (!active || active === document.body || this.manageBody.contains(active))
      this.manageHeading.focus({ preventScroll: true });
  }

  statusLabel(status) {
    return T.manage.statuses[status] ?? status;
  }

  async fetchManage() {
    const link = this.manageLink;
    if (!link) return;
    this.manageController?.abort();
    const controller = new AbortController();
    this.manageController = controller;
    this.rescueFocus();
    announce(this.manageAlert, "");
    this.manageBody.setAttribute("aria-busy", "true");
    this.manageBody.replaceChildren(h("p", { class: "clinic-loading" }, T.manage.loading));
    let result;
    try {
      result = await callApi("GET", this.managePath(link), {
        headers: this.manageHeaders(link),
        signal: controller.signal,
      });
    } catch {
      return; // another link (or the form) replaced this one
    }
    if (controller !== this.manageController) return;
    this.manageController = null;
    this.manageBody.removeAttribute("aria-busy");
    if (result.status === 200 && result.data?.reference) {
      this.booking = result.data;
      this.showBooking();
      announce(this.manageLive, T.manage.loaded(this.booking.reference, this.statusLabel(this.booking.status)));
      return;
    }
    if (result.status === 404) {
      this.showManageInvalid();
      return;
    }
    this.showManageRetry(T.manage.loadFailed, result, () => this.fetchManage());
  }

  /** The booking's details, and either the cancel step or the cancelled state. */
  showBooking() {
    const m = T.manage;
    const b = this.booking;
    const cancelled = b.status === "cancelled";
    const row = (key, label, value) => [h("dt", {}, label), h("dd", { "data-field": key }, value)];
    this.rescueFocus();
    const children = [
      h(
        "div",
        { class: "clinic-manage-head" },
        h(
          "div",
          {},
          h("p", { class: "clinic-reference-label" }, m.reference),
          h("p", { class: "clinic-reference" }, b.reference),
        ),
      ),
      h(
        "dl",
        { class: "clinic-summary clinic-manage-summary" },
        row(
          "status",
          m.status,
          h(
            "span",
            { class: `clinic-status clinic-status--${cancelled ? "cancelled" : "pending"}`, "data-status": b.status },
            this.statusLabel(b.status),
          ),
        ),
        row("treatment", m.treatment, b.treatment?.name || b.treatment?.id || ""),
        row("branch", m.branch, b.branch?.name || b.branch?.id || ""),
        row("preferred_date", m.date, formatHongKongDate(b.preferred_date)),
        row("preferred_period", m.time, T.periods[b.preferred_period ?? "any"] ?? T.periods.any),
        row("phone", m.phone, h("span", { dir: "ltr" }, b.phone)),
        row("email", m.email, b.email || m.noEmail),
        row("marketing_consent", m.marketing, b.marketing_consent ? m.yes : m.no),
        b.created_at ? row("created_at", m.registered, formatHongKongTime(b.created_at)) : null,
      ),
      h("p", { class: "clinic-hint clinic-manage-masked" }, m.masked),
    ];
    this.bookAgainButton = null;
    if (cancelled) {
      this.bookAgainButton = h(
        "button",
        { type: "button", class: "clinic-button clinic-button--primary", onclick: () => this.showForm() },
        m.bookAgain,
      );
      children.push(
        h(
          "div",
          { class: "clinic-manage-done" },
          h("p", { class: "clinic-manage-done-title" }, m.cancelled(b.reference)),
          h("p", {}, m.cancelledNote),
        ),
        h("div", { class: "clinic-actions" }, this.bookAgainButton),
      );
    } else {
      children.push(h("p", { class: "clinic-manage-pending" }, m.pendingNote), this.cancelStep(b.reference));
    }
    this.manageBody.replaceChildren(...children);
  }

  /** "Cancel this booking", then an in-page confirmation (Escape or "No" steps back). */
  cancelStep(reference) {
    const m = T.manage;
    const questionId = `${this.id}-confirm-title`;
    const textId = `${this.id}-confirm-text`;
    const alert = liveRegion("clinic-alert", "assertive");
    const question = h("h3", { class: "clinic-section-title", id: questionId, tabindex: "-1" }, m.confirmTitle);
    const start = h("button", { type: "button", class: "clinic-button clinic-button--danger-outline" }, m.cancel);
    const yes = h("button", { type: "button", class: "clinic-button clinic-button--danger" }, m.confirmYes);
    const no = h("button", { type: "button", class: "clinic-button clinic-button--secondary" }, m.confirmNo);
    const startActions = h("div", { class: "clinic-actions" }, start);
    const confirm = h(
      "div",
      {
        class: "clinic-confirm",
        role: "group",
        "aria-labelledby": questionId,
        "aria-describedby": textId,
        hidden: true,
      },
      question,
      h("p", { id: textId }, m.confirmText(reference)),
      alert,
      h("div", { class: "clinic-actions" }, yes, no),
    );
    const close = () => {
      confirm.hidden = true;
      announce(alert, "");
      startActions.hidden = false;
      start.focus();
    };
    start.addEventListener("click", () => {
      startActions.hidden = true;
      confirm.hidden = false;
      question.focus();
    });
    no.addEventListener("click", close);
    yes.addEventListener("click", () => this.cancelBooking(yes, no, alert));
    confirm.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !this.cancelling) {
        event.preventDefault();
        close();
      }
    });
    return h("div", { class: "clinic-manage-cancel" }, startActions, confirm);
  }

  async cancelBooking(yes, no, alert) {
    const link = this.manageLink;
    const booking = this.booking;
    if (this.cancelling || !link || !booking) return;
    this.cancelling = true;
    yes.disabled = true;
    no.disabled = true;
    yes.textContent = T.manage.cancelling;
    announce(alert, "");
    const result = await callApi("POST", this.managePath(link, "/cancel"), { headers: this.manageHeaders(link) });
    this.cancelling = false;
    if (link !== this.manageLink || !yes.isConnected) return;
    if (result.status === 200 && result.data?.status) {
      this.booking = { ...booking, status: result.data.status };
      this.showBooking();
      announce(this.manageLive, `${T.manage.cancelled(booking.reference)} ${T.manage.cancelledNote}`);
      (this.bookAgainButton ?? this.manageHeading).focus();
      return;
    }
    if (result.status === 404) {
      this.showManageInvalid();
      return;
    }
    yes.textContent = T.manage.confirmYes;
    no.disabled = false;
    announce(alert, `${T.manage.cancelFailed} ${retryMessage(result)}`, "error");
    if (result.retryAfter) {
      setTimeout(() => {
        yes.disabled = false;
      }, result.retryAfter * 1000);
    } else {
      yes.disabled = false;
    }
    (yes.disabled ? no : yes).focus();
  }

  /** The link is unknown, wrong or expired (the API cannot tell which, nor can we). */
  showManageInvalid() {
    this.manageController?.abort();
    this.manageController = null;
    this.booking = null;
    this.rescueFocus();
    this.manageBody.removeAttribute("aria-busy");
    announce(this.manageAlert, T.manage.invalid, "error");
    this.manageBody.replaceChildren(
      h(
        "div",
        { class: "clinic-actions" },
        h(
          "button",
          { type: "button", class: "clinic-button clinic-button--primary", onclick: () => this.showForm() },
          T.manage.bookTrial,
        ),
      ),
    );
  }

  /** A failure the person can only retry (busy server, no network). */
  showManageRetry(message, result, retry) {
    this.rescueFocus();
    announce(this.manageAlert, `${message} ${retryMessage(result)}`, "error");
    const button = h(
      "button",
      { type: "button", class: "clinic-button clinic-button--secondary", onclick: retry },
      T.tryAgain,
    );
    if (result.retryAfter) {
      button.disabled = true;
      setTimeout(() => {
        button.disabled = false;
      }, result.retryAfter * 1000);
    }
    this.manageBody.replaceChildren(h("div", { class: "clinic-actions" }, button));
  }
}

// --- questionnaire -----------------------------------------------------------------------

const QUESTIONS = [
  { key: "skin_type", kind: "radio", required: true, values: ["oily", "dry", "combination", "normal", "sensitive"] },
  {
    key: "concerns",
    kind: "checkbox",
    values: [
      "enlarged_pores",
      "blackheads",
      "whiteheads",
      "acne",
      "redness",
      "dullness",
      "dryness",
      "roughness",
      "sagging",
      "acne_scars",
      "oiliness",
    ],
  },
  { key: "pore_shape", kind: "radio", values: ["round", "oval", "teardrop", "unsure"] },
  { key: "age_range", kind: "radio", required: true, values: ["under_25", "25_34", "35_44", "45_plus"] },
  {
    key: "lifestyle",
    kind: "checkbox",
    values: ["poor_sleep", "stress", "greasy_food", "dairy", "humid_climate", "irregular_routine"],
  },
  { key: "habits", kind: "yesno", values: ["removes_makeup", "exfoliates_weekly", "moisturises", "uses_sunscreen"] },
  {
    key: "precautions",
    kind: "checkbox",
    values: [
      "pregnant_or_breastfeeding",
      "isotretinoin_recent",
      "active_infection",
      "recent_laser_or_peel",
      "sunburn",
      "photosensitive_medication",
    ],
  },
];

/** The pore questionnaire: one question per step, then the recommendation. */
class QuestionnaireWidget {
  constructor(root) {
    this.root = root;
    this.id = uid("quiz");
    this.index = 0;
  }

  load() {
    this.render();
  }

  render() {
    const titleId = `${this.id}-title`;
    this.steps = QUESTIONS.map((question, index) => this.step(question, index));
    this.progressText = h("p", { class: "clinic-progress-text" });
    this.progressBar = h("span", { class: "clinic-progress-bar" });
    this.back = h(
      "button",
      { type: "button", class: "clinic-button clinic-button--secondary", onclick: () => this.go(this.index - 1) },
      T.quiz.back,
    );
    this.next = h("button", { type: "submit", class: "clinic-button clinic-button--primary" }, T.quiz.next);
    this.alert = liveRegion("clinic-alert", "assertive");
    this.form = h(
      "form",
      { class: "clinic-form", novalidate: true, "aria-labelledby": titleId, onsubmit: (event) => this.onNext(event) },
      this.progressText,
      h("div", { class: "clinic-progress", "aria-hidden": "true" }, this.progressBar),
      this.steps,
      this.alert,
      h("div", { class: "clinic-actions clinic-actions--split" }, this.back, this.next),
    );
    this.card = h(
      "section",
      { class: "clinic-card clinic-questionnaire" },
      h(
        "header",
        { class: "clinic-card-header" },
        h("h2", { class: "clinic-title", id: titleId, tabindex: "-1" }, T.quiz.title),
        h("p", { class: "clinic-lead" }, T.quiz.intro),
      ),
      this.form,
    );
    this.root.replaceChildren(this.card);
    this.go(0, false);
  }

  step(question, index) {
    const texts = T.quiz.questions[question.key];
    const hintId = texts.hint ? `${this.id}-${question.key}-hint` : null;
    const errorId = `${this.id}-${question.key}-error`;
    const name = `${this.id}-${question.key}`;
    let body;
    if (question.kind === "yesno") {
      body = h(
        "div",
        { class: "clinic-habits" },
        question.values.map((habit) =>
          h(
            "fieldset",
            { class: "clinic-habit" },
            h("legend", {}, texts.options[habit]),
            h(
              "div",
              { class: "clinic-choices clinic-choices--inline" },
              [
                ["true", T.quiz.yes],
                ["false", T.quiz.no],
              ].map(([value, label]) =>
                h(
                  "label",
                  { class: "clinic-choice clinic-choice--inline" },
                  h("input", { type: "radio", name: `${name}-${habit}`, value, "data-habit": habit }),
                  h("span", {}, label),
                ),
              ),
            ),
          ),
        ),
      );
    } else {
      body = h(
        "div",
        { class: `clinic-choices clinic-choices--${question.values.length > 6 ? "columns" : "stack"}` },
        question.values.map((value) =>
          h(
            "label",
            { class: "clinic-choice" },
            h("input", { type: question.kind, name, value }),
            h("span", {}, texts.options[value]),
          ),
        ),
      );
    }
    const fieldset = h(
      "fieldset",
      { class: "clinic-step", "data-step": question.key, "aria-describedby": hintId, hidden: index !== 0 },
      h("legend", { class: "clinic-step-title" }, texts.title),
      hintId
        ? h(
            "p",
            { class: `clinic-hint${question.key === "precautions" ? " clinic-note" : ""}`, id: hintId },
            texts.hint,
          )
        : null,
      body,
      h("p", { class: "clinic-error", id: errorId }),
    );
    fieldset.question = question;
    fieldset.hintId = hintId;
    return fieldset;
  }

  go(index, focus = true) {
    this.index = Math.max(0, Math.min(index, this.steps.length - 1));
    this.steps.forEach((step, position) => {
      step.hidden = position !== this.index;
    });
    const total = this.steps.length;
    this.progressText.textContent = T.quiz.step(this.index + 1, total);
    this.progressBar.style.width = `${((this.index + 1) / total) * 100}%`;
    this.back.hidden = this.index === 0;
    this.next.textContent = this.index === total - 1 ? T.quiz.finish : T.quiz.next;
    announce(this.alert, "");
    if (focus) {
      const step = this.steps[this.index];
      (step.querySelector("input:checked") ?? step.querySelector("input"))?.focus();
    }
  }

  onNext(event) {
    event.preventDefault();
    const step = this.steps[this.index];
    const error = step.querySelector(".clinic-error");
    const missing = step.question.required && !step.querySelector("input:checked");
    error.textContent = missing ? T.quiz.chooseOne : "";
    if (missing) step.setAttribute("aria-invalid", "true");
    else step.removeAttribute("aria-invalid");
    const describedBy = [step.hintId, missing ? error.id : null].filter(Boolean).join(" ");
    if (describedBy) step.setAttribute("aria-describedby", describedBy);
    else step.removeAttribute("aria-describedby");
    if (missing) {
      step.querySelector("input").focus();
      return;
    }
    if (this.index < this.steps.length - 1) this.go(this.index + 1);
    else this.send();
  }

  answers() {
    const body = { lang: LANG };
    for (const step of this.steps) {
      const { key, kind } = step.question;
      const checked = [...step.querySelectorAll("input:checked")];
      if (kind === "radio" && checked.length) body[key] = checked[0].value;
      if (kind === "checkbox") body[key] = checked.map((input) => input.value);
      if (kind === "yesno")
        body[key] = Object.fromEntries(checked.map((input) => [input.dataset.habit, input.value === "true"]));
    }
    return body;
  }

  async send() {
    this.next.disabled = true;
    this.next.textContent = T.quiz.sending;
    this.form.setAttribute("aria-busy", "true");
    announce(this.alert, "");
    const result = await callApi("POST", "/recommendations", { body: this.answers() });
    this.form.removeAttribute("aria-busy");
    this.next.disabled = false;
    this.next.textContent = T.quiz.finish;
    if (result.status === 200 && result.data?.recommendation_id) {
      this.showResults(result.data);
      return;
    }
    const error = result.data?.error;
    if (result.status === 422 && error?.fields?.length) {
      const first = error.fields[0].field.split(".")[0];
      const position = this.steps.findIndex((step) => step.question.key === first);
      if (position >= 0) this.go(position);
      announce(this.alert, error.fields.map((problem) => problem.message).join(" "), "error");
      return;
    }
    announce(this.alert, retryMessage(result), "error");
  }

  showResults(result) {
    const q = T.quiz;
    const titleId = `${this.id}-results`;
    const heading = h("h2", { class: "clinic-title", id: titleId, tabindex: "-1" }, q.resultsTitle);
    const reasons = (items) =>
      items?.length
        ? h(
            "ul",
            { class: "clinic-reasons" },
            items.map((reason) => h("li", {}, reason.text)),
          )
        : null;
    const names = result.pore_types.filter((type) => result.top_types?.includes(type.id)).map((type) => type.name);
    const summary = joinList(names.length ? names : result.pore_types.slice(0, 1).map((type) => type.name));
    const offer = result.offer;
    const offerStatus = liveRegion("clinic-note");
    const section = (title, ...content) =>
      h("section", { class: "clinic-result-section" }, h("h3", { class: "clinic-section-title" }, title), ...content);

    const panel = h(
      "section",
      {
        class: "clinic-card clinic-results",
        "aria-labelledby": titleId,
        "data-recommendation-id": result.recommendation_id,
      },
      h(
        "header",
        { class: "clinic-card-header" },
        heading,
        result.mixed ? h("p", { class: "clinic-lead" }, q.mixed) : null,
      ),
      result.needs_consultation
        ? h(
            "div",
            { class: "clinic-callout clinic-callout--consult", role: "note", "aria-labelledby": `${titleId}-consult` },
            h("h3", { class: "clinic-section-title", id: `${titleId}-consult` }, q.consultTitle),
            h(
              "ul",
              {},
              (result.consultation_reasons ?? []).map((reason) => h("li", {}, reason.text)),
            ),
          )
        : null,
      section(
        q.typesTitle,
        h(
          "ol",
          { class: "clinic-ranked" },
          result.pore_types.map((type) => {
            const percent = Math.round(type.score * 100);
            return h(
              "li",
              { class: "clinic-ranked-item", "data-pore-type": type.id },
              h(
                "div",
                { class: "clinic-ranked-head" },
                h("span", { class: "clinic-ranked-name" }, type.name),
                h("span", { class: "clinic-score-text" }, q.match(percent)),
              ),
              h("div", { class: "clinic-score", "aria-hidden": "true" }, widthBar(percent)),
              reasons(type.reasons),
            );
          }),
        ),
      ),
      result.causes?.length
        ? section(
            q.causesTitle,
            h(
              "ul",
              { class: "clinic-plain-list" },
              result.causes.map((cause) =>
                h(
                  "li",
                  { class: "clinic-cause", "data-cause": cause.id },
                  h("strong", {}, cause.name),
                  reasons(cause.reasons),
                ),
              ),
            ),
          )
        : null,
      section(
        q.treatmentsTitle,
        result.treatments?.length
          ? h(
              "ul",
              { class: "clinic-treatments" },
              result.treatments.map((treatment) =>
                h(
                  "li",
                  { class: "clinic-treatment", "data-treatment": treatment.id },
                  h("h4", {}, treatment.name),
                  h("p", {}, treatment.why),
                  treatment.sessions
                    ? h("p", { class: "clinic-hint" }, h("strong", {}, q.sessions), " ", treatment.sessions)
                    : null,
                  treatment.cautions?.length
                    ? h(
                        "details",
                        { class: "clinic-cautions" },
                        h("summary", {}, q.cautions),
                        h(
                          "ul",
                          {},
                          treatment.cautions.map((caution) => h("li", {}, caution)),
                        ),
                      )
                    : null,
                ),
              ),
            )
          : h("p", {}, q.noTreatments),
      ),
      result.daily_tips?.length
        ? section(
            q.tipsTitle,
            h(
              "ul",
              { class: "clinic-tips" },
              result.daily_tips.map((tip) => h("li", {}, h("strong", {}, tip.title), h("p", {}, tip.text))),
            ),
          )
        : null,
      offer
        ? h(
            "div",
            { class: "clinic-offer" },
            h("p", { class: "clinic-eyebrow" }, q.offerEyebrow),
            h("h3", { class: "clinic-section-title" }, offer.name),
            offer.summary ? h("p", {}, offer.summary) : null,
            offer.eligible === false ? h("p", { class: "clinic-note" }, q.offerCheckFirst) : null,
            h(
              "button",
              {
                type: "button",
                class: "clinic-button clinic-button--primary clinic-offer-button",
                onclick: () => {
                  const handled = requestRegistration({
                    treatment: offer.treatment,
                    recommendationId: result.recommendation_id,
                    summary,
                  });
                  announce(offerStatus, handled ? "" : T.noForm);
                },
              },
              q.offerButton,
            ),
            offerStatus,
          )
        : null,
      result.disclaimer ? h("p", { class: "clinic-disclaimer" }, result.disclaimer) : null,
      h(
        "div",
        { class: "clinic-actions" },
        h(
          "button",
          { type: "button", class: "clinic-button clinic-button--secondary", onclick: () => this.restart() },
          q.restart,
        ),
      ),
    );
    this.root.replaceChildren(panel);
    heading.focus();
  }

  restart() {
    this.render();
    this.card.querySelector(".clinic-title").focus();
  }
}

// --- FAQ -----------------------------------------------------------------------------------

/** The FAQ: search as you type, disclosure items, related questions and feedback. */
class FaqWidget {
  constructor(root) {
    this.root = root;
    this.id = uid("faq");
    this.controller = null;
    this.timer = null;
    this.allItems = null;
  }

  load() {
    const titleId = `${this.id}-title`;
    const inputId = `${this.id}-q`;
    this.input = h("input", {
      id: inputId,
      class: "clinic-input clinic-search-input",
      type: "search",
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": `${inputId}-hint`,
      "aria-controls": `${this.id}-list`,
      oninput: () => this.onInput(),
    });
    this.status = liveRegion("clinic-faq-status");
    this.fallbackNote = h("p", { class: "clinic-note clinic-faq-fallback", hidden: true }, T.faq.fallback);
    this.list = h("div", { class: "clinic-faq-list", id: `${this.id}-list` });
    this.root.replaceChildren(
      h(
        "section",
        { class: "clinic-card clinic-faq", "aria-labelledby": titleId },
        h("header", { class: "clinic-card-header" }, h("h2", { class: "clinic-title", id: titleId }, T.faq.title)),
        h(
          "form",
          {
            class: "clinic-search",
            role: "search",
            onsubmit: (event) => {
              event.preventDefault();
              this.search();
            },
          },
          h("label", { class: "clinic-label", for: inputId }, T.faq.searchLabel),
          h("p", { class: "clinic-hint", id: `${inputId}-hint` }, T.faq.searchHint),
          h(
            "div",
            { class: "clinic-search-box" },
            h("span", { class: "clinic-search-icon", "aria-hidden": "true" }),
            this.input,
          ),
        ),
        this.status,
        this.fallbackNote,
        this.list,
        h(
          "p",
          { class: "clinic-faq-handoff" },
          `${T.faq.handoff} `,
          h(
            "button",
            { type: "button", class: "clinic-link-button", onclick: (event) => this.handOff(event.currentTarget) },
            T.faq.handoffButton,
          ),
        ),
      ),
    );
    return this.search();
  }

  handOff(button) {
    if (!requestRegistration({})) {
      button.after(h("span", { class: "clinic-hint" }, ` ${T.noForm}`));
    }
  }

  onInput() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.search(), SEARCH_DELAY_MS);
  }

  async search() {
    clearTimeout(this.timer);
    const query = this.input.value.trim();
    this.controller?.abort();
    if (!query && this.allItems) {
      this.controller = null;
      this.show(this.allItems, false, query);
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    this.list.setAttribute("aria-busy", "true");
    let result;
    try {
      result = await callApi("GET", "/faqs", { query: query ? { q: query } : {}, signal: controller.signal });
    } catch {
      return; // a newer search replaced this one
    }
    if (controller !== this.controller) return;
    this.list.removeAttribute("aria-busy");
    if (result.status !== 200 || !result.data) {
      this.fallbackNote.hidden = true;
      this.list.replaceChildren();
      announce(this.status, `${T.faq.loadFailed} ${retryMessage(result)}`, "error");
      return;
    }
    const items = result.data.items ?? [];
    if (!query) this.allItems = items;
    this.show(items, result.data.fallback, query);
  }

  show(items, fallback, query) {
    this.list.removeAttribute("aria-busy");
    this.fallbackNote.hidden = !(fallback && items.length);
    this.list.replaceChildren(...items.map((item) => this.item(item)));
    announce(
      this.status,
      !query ? T.faq.countAll(items.length) : items.length ? T.faq.countFound(items.length, query) : T.faq.none(query),
    );
  }

  item(entry) {
    const buttonId = `${this.id}-${entry.id}-q`;
    const panelId = `${this.id}-${entry.id}-a`;
    const feedback = this.feedback(entry.id);
    const button = h(
      "button",
      {
        type: "button",
        class: "clinic-faq-question",
        id: buttonId,
        "aria-expanded": "false",
        "aria-controls": panelId,
        onclick: () => this.toggle(item),
      },
      h("span", {}, entry.question),
      h("span", { class: "clinic-chevron", "aria-hidden": "true" }),
    );
    const panel = h(
      "div",
      { class: "clinic-faq-answer", id: panelId, role: "region", "aria-labelledby": buttonId, hidden: true },
      entry.answer.split(/\n{2,}/).map((paragraph) => h("p", {}, paragraph)),
      entry.related?.length
        ? h(
            "div",
            { class: "clinic-related" },
            h("p", { class: "clinic-related-title" }, T.faq.related),
            h(
              "ul",
              {},
              entry.related.map((related) =>
                h(
                  "li",
                  {},
                  h(
                    "a",
                    {
                      href: `#${this.id}-${related.id}-q`,
                      "data-faq-link": related.id,
                      onclick: (event) => {
                        event.preventDefault();
                        this.openEntry(related.id);
                      },
                    },
                    related.question,
                  ),
                ),
              ),
            ),
          )
        : null,
      feedback,
    );
    const item = h(
      "div",
      { class: "clinic-faq-item", "data-faq-id": entry.id },
      h("h3", { class: "clinic-faq-heading" }, button),
      panel,
    );
    return item;
  }

  toggle(item, open) {
    const button = item.querySelector(".clinic-faq-question");
    const panel = item.querySelector(".clinic-faq-answer");
    const expand = open ?? button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(expand));
    panel.hidden = !expand;
    item.classList.toggle("clinic-faq-item--open", expand);
  }

  /** Open the entry `id`: in the list if it is there, else fetched and put first. */
  async openEntry(id) {
    let item = this.list.querySelector(`[data-faq-id="${CSS.escape(id)}"]`);
    if (!item) {
      const result = await callApi("GET", `/faqs/${encodeURIComponent(id)}`);
      if (result.status !== 200 || !result.data) {
        announce(this.status, retryMessage(result), "error");
        return;
      }
      item = this.item(result.data);
      this.list.prepend(item);
    }
    this.toggle(item, true);
    const button = item.querySelector(".clinic-faq-question");
    button.scrollIntoView({ block: "nearest" });
    button.focus({ preventScroll: true });
  }

  feedback(faqId) {
    const labelId = `${this.id}-${faqId}-fb`;
    const status = liveRegion("clinic-feedback-status");
    const buttons = [
      [true, T.faq.yes],
      [false, T.faq.no],
    ].map(([helpful, label]) =>
      h(
        "button",
        {
          type: "button",
          class: "clinic-button clinic-button--small",
          onclick: () => this.sendFeedback(faqId, helpful, group, status),
        },
        label,
      ),
    );
    const group = h(
      "div",
      { class: "clinic-feedback-buttons", role: "group", "aria-labelledby": labelId },
      h("span", { id: labelId, class: "clinic-feedback-label" }, T.faq.helpful),
      buttons,
    );
    return h("div", { class: "clinic-feedback" }, group, status);
  }

  async sendFeedback(faqId, helpful, group, status) {
    const buttons = [...group.querySelectorAll("button")];
    for (const button of buttons) button.disabled = true;
    const result = await callApi("POST", `/faqs/${encodeURIComponent(faqId)}/feedback`, { body: { helpful } });
    if (result.status >= 200 && result.status < 300) {
      group.hidden = true;
      announce(status, T.faq.thanks, "success");
      return;
    }
    for (const button of buttons) button.disabled = false;
    announce(status, T.faq.feedbackFailed, "error");
  }
}

// --- mounting ------------------------------------------------------------------------------

const WIDGETS = { registration: RegistrationWidget, questionnaire: QuestionnaireWidget, faq: FaqWidget };

/** Link the widgets' stylesheet (next to this module) unless the page already has it. */
function ensureStylesheet() {
  const href = new URL("clinic-widgets.css", MODULE_URL).href;
  const present = [...document.querySelectorAll('link[rel~="stylesheet"]')].some((link) => link.href === href);
  if (!present) document.head.append(h("link", { rel: "stylesheet", href }));
}

/** Mount every widget placeholder under `root` that is not mounted yet. */
export function mountAll(root = document) {
  ensureStylesheet();
  for (const element of root.querySelectorAll("[data-clinic-widget]")) {
    const Widget = WIDGETS[element.dataset.clinicWidget];
    if (!Widget || element.dataset.clinicMounted) continue;
    element.dataset.clinicMounted = "true";
    element.classList.add("clinic-widget");
    element.setAttribute("lang", LANG);
    new Widget(element).load();
  }
}

mountAll();
