;; embed-stack.wat -- for embed-stack.c: a function big enough that its
;; first call in the fast interpreter translates it, and a native that asks
;; for more native stack than there is.
(module
  (import "env" "needs_stack" (func $needs_stack (param i32) (result i32)))
  (func (export "sum") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $i) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  (func (export "ask") (param i32) (result i32)
    (call $needs_stack (local.get 0))))
