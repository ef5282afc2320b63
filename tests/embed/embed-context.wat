;; embed-context.wat -- for embed-context.c: three calls of the native
;; env.tick, which counts in the instance's context.
(module
  (import "env" "tick" (func $tick (result i32)))
  (func (export "tick3") (result i32)
    (drop (call $tick)) (drop (call $tick)) (call $tick)))
