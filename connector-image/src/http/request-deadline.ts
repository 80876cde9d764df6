// A deadline for receiving a whole request, per request. Node's server-wide requestTimeout would also
// cut off a long streamed upload, so the DSP server turns it off and this takes its place for every
// request except those `exempt` ones, which bound themselves by idle time and size instead.
import type { NextFunction, Request, Response } from 'express';

export function requestDeadline(ms: number, exempt: (req: Request) => boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.complete || exempt(req)) return next();
    const timer = setTimeout(() => {
      if (!req.complete) {
        res.setHeader('connection', 'close');
        if (!res.headersSent) res.status(408).json({ error: 'RequestTimeout', message: `the request was not received completely within ${ms} ms` });
        req.socket.destroy();
      }
    }, ms);
    timer.unref();
    const clear = (): void => clearTimeout(timer);
    req.once('end', clear);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };
}
