/* JSON-lines logging to stderr: {"time","level","service","request_id","message"[,...]}.
 * Thread-safe; each thread has its own current request id. Never logs secrets: callers must not pass them. */
#pragma once
#include <stdarg.h>

#include "util/mem.h"

typedef enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

/* Set the service name and minimum level ("debug", "info", "warn", "error"; unknown -> info). */
void log_init(const char *service, const char *level);
void log_set_level(log_level level);
/* Current thread's request id (copied; NULL clears it). */
void log_set_request_id(const char *request_id);

void log_msg(log_level level, const char *fmt, ...) PRINTF_LIKE(2, 3);
void log_vmsg(log_level level, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
