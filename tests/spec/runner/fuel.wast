;; Run with --fuel=...: a start function or an export looping for ever is
;; stopped with "fuel exhausted", and the instance stays usable.
(assert_trap (module (func $s (loop (br 0))) (start $s)) "fuel exhausted")
(module
  (global $n (mut i32) (i32.const 0))
  (func $s (global.set $n (i32.const 1)))
  (start $s)
  (func (export "spin") (loop (br 0)))
  (func (export "n") (result i32) (global.get $n)))
(assert_return (invoke "n") (i32.const 1))
(assert_trap (invoke "spin") "fuel exhausted")
(assert_return (invoke "n") (i32.const 1))
(assert_trap (invoke "spin") "fuel exhausted")
(assert_return (invoke "n") (i32.const 1))
