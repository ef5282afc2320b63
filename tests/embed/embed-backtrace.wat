;; embed-backtrace.wat -- for embed-backtrace.c, built with a name section
;; (wat2wasm --debug-names): traps at known depths.
(module
  (import "env" "host_fail" (func $host_fail))
  (memory 1)
  (func $inner (param i32) (result i32)
    (i32.div_u (i32.const 1) (local.get 0)))
  (func $middle (param i32) (result i32)
    (call $inner (local.get 0)))
  (func $outer (export "outer") (param i32) (result i32)
    (i32.add (i32.const 1) (call $middle (local.get 0))))
  (func $deep (export "deep") (param i32)
    (if (i32.eqz (local.get 0)) (then unreachable))
    (call $deep (i32.sub (local.get 0) (i32.const 1))))
  (func $oob (export "oob") (result i32)
    (i32.load (i32.const 0x7ffffff0)))
  (func $via_host (export "via_host")
    (call $host_fail)))
