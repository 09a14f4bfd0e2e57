/** The staff routes of the clinic API, with the signed-in user's token. */
import config from "./config.js";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

/** Call the API; JSON answers are parsed, errors become ApiError (status, contract code). */
export async function call(user, lang, method, path, { query = {}, body, raw = false } = {}) {
  const params = new URLSearchParams({ ...query, lang });
  for (const [key, value] of [...params]) if (value === "" || value == null) params.delete(key);
  const response = await fetch(`${config.api}${path}?${params}`, {
    method,
    headers: {
      Authorization: `Bearer ${user.token}`,
      "Accept-Language": lang,
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) {
    const error = await response.json().catch(() => ({}));
    throw new ApiError(response.status, error?.error?.code || "UNKNOWN", error?.error?.message);
  }
  return raw ? response : response.json();
}
