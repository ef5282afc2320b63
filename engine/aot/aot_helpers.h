/*
 * aot_helpers.h -- resolving the run-time helpers compiled code calls by
 * name (aot_helpers.def).
 */
#ifndef WP_AOT_HELPERS_H
#define WP_AOT_HELPERS_H

/* The helper's address, or NULL when `name` is not one. */
void *aot_helper_lookup(const char *name);

#endif
