/* wasmplug.h: the single public header of libwasmplug.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#define __WASMPLUG_H_INSIDE__

#include "wasmplug-error.h"
#include "wasmplug-mode.h"
#include "wasmplug-engine.h"
#include "wasmplug-sandbox.h"
#include "wasmplug-module.h"
#include "wasmplug-plugin.h"
#include "wasmplug-plugin-info.h"

#undef __WASMPLUG_H_INSIDE__
