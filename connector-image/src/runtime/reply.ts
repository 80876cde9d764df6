// What a protocol service answers: an HTTP status and a JSON body. Services decide both, because a
// refusal can itself be a committed outcome (a denial recorded, a process terminated).
export interface Reply {
  status: number;
  body?: unknown;
}

export const reply = (status: number, body?: unknown): Reply => ({ status, ...(body !== undefined && { body }) });
