/**
 * Errors as Exact Online returns them. The body of an API error is
 * `{"error":{"code":"","message":{"lang":"","value":"..."}}}` with several messages joined by CRLF.
 * Business validation uses HTTP 500 (not 4xx): that is what the real API does (spec section 4.7).
 */
export type Headers = Record<string, string>;

export class ExactHttpError extends Error {
  readonly status: number;
  /** Messages joined by CRLF into `error.message.value`; empty array = empty body. */
  readonly messages: string[];
  readonly headers: Headers;
  /** Raw body instead of the OData error envelope (the OAuth endpoints use plain OAuth2 errors). */
  readonly rawBody?: unknown;

  constructor(status: number, messages: string[] | string, opts: { headers?: Headers; rawBody?: unknown } = {}) {
    const list = Array.isArray(messages) ? messages : [messages];
    super(list.join('\r\n') || `HTTP ${status}`);
    this.status = status;
    this.messages = list;
    this.headers = opts.headers ?? {};
    this.rawBody = opts.rawBody;
  }
}

export function odataErrorBody(messages: string[]): { error: { code: string; message: { lang: string; value: string } } } {
  return { error: { code: '', message: { lang: '', value: messages.join('\r\n') } } };
}

/** 400: OData syntax or payload binding problems. */
export const badRequest = (message: string): ExactHttpError => new ExactHttpError(400, message);
/** 500: business validation, always a list of Dutch messages. */
export const validation = (messages: string[] | string): ExactHttpError => new ExactHttpError(500, messages);
export const notFound = (message = 'Resource not found for the segment.'): ExactHttpError => new ExactHttpError(404, message);

/** Collects Dutch validation messages and throws them together, as Exact reports several at once. */
export class Problems {
  private readonly list: string[] = [];
  add(message: string): void {
    if (!this.list.includes(message)) this.list.push(message);
  }
  get any(): boolean {
    return this.list.length > 0;
  }
  throwIfAny(): void {
    if (this.list.length) throw validation([...this.list]);
  }
}
