export { createJsonLogger, isLogLevel, silentLogger, type JsonLoggerOptions, type LogFields, type LogLevel, type Logger } from '@musubi/core/logging';
export { HttpProblem, fieldPath, parseInput, problemFromZod, statusOfTrustReason, toProblem, type Problem, type ProblemReason, type ServiceReason } from './problem.js';
export { SecretFile, bearerToken } from './secret-file.js';
export { createServiceMetrics, type ServiceMetrics } from './metrics.js';
export { createServiceApp, finishServiceApp, guard, jsonBody, type ServiceAppOptions } from './app.js';
export { listen, type RunningServer } from './server.js';
export { HttpCallError, callHttp, jsonOf, type HttpAnswer, type HttpCall } from './client.js';
