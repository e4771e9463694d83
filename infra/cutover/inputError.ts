/**
 * A request the cutover command cannot carry out as asked (unknown route, weight out of range, --force without a
 * reason, nothing to advance): the message says what was asked and what is possible; nothing has been changed.
 */
export class CutoverInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CutoverInputError";
  }
}
