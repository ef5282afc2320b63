/* wasmplug-error.c: the WASMPLUG_ERROR domain.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "wasmplug-error.h"

G_DEFINE_QUARK (wasmplug-error-quark, wasmplug_error)
