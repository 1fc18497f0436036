/**
 * Moneybird's two error shapes (SPEC components.schemas):
 * - symbolic: `{"error": "Contact is required", "symbolic": {"contact": "required"}}` (400/401/402/403/404),
 *   sometimes without `symbolic` (list parameter errors, "Record not found for model name: …");
 * - validation (422): `{"error": {field: [messages]}, "details": {field: [{"error": code, …}]}}`.
 * Handlers throw `MoneybirdHttpError`; the server turns it into the response.
 */
export class MoneybirdHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'object' && body && 'error' in body ? JSON.stringify((body as { error: unknown }).error) : String(body));
  }
}

export function symbolic(status: number, error: string, sym?: Record<string, unknown>): MoneybirdHttpError {
  return new MoneybirdHttpError(status, sym ? { error, symbolic: sym } : { error });
}

export const notFound = (key = 'id') => symbolic(404, 'record not found', { [key]: 'not_found' });
/** The second 404 style some endpoints use (GET external_sales_invoices/{id}, workflows/{id}). */
export const notFoundForModel = (model: string) => symbolic(404, `Record not found for model name: ${model}`);
export const badRequest = (error: string, sym?: Record<string, unknown>) => symbolic(400, error, sym);

export interface FieldError {
  message: string;
  /** The machine code in `details` (e.g. "blank"); extra keys such as `value` or `count` go in `extra`. */
  code: string;
  extra?: Record<string, unknown>;
}

/** Collects field errors and throws one 422 in the validation shape. */
export class Validation {
  private errors = new Map<string, FieldError[]>();
  add(field: string, message: string, code: string, extra?: Record<string, unknown>): this {
    const list = this.errors.get(field) ?? [];
    list.push({ message, code, extra });
    this.errors.set(field, list);
    return this;
  }
  blank(field: string): this {
    return this.add(field, "can't be blank", 'blank');
  }
  get empty(): boolean {
    return this.errors.size === 0;
  }
  toError(): MoneybirdHttpError {
    const error: Record<string, string[]> = {};
    const details: Record<string, Array<Record<string, unknown>>> = {};
    for (const [field, list] of this.errors) {
      error[field] = list.map((e) => e.message);
      details[field] = list.map((e) => ({ error: e.code, ...(e.extra ?? {}) }));
    }
    return new MoneybirdHttpError(422, { error, details });
  }
  throwIfAny(): void {
    if (!this.empty) throw this.toError();
  }
}

export function unprocessable(field: string, message: string, code: string, extra?: Record<string, unknown>): MoneybirdHttpError {
  return new Validation().add(field, message, code, extra).toError();
}
