;; The hostile test module of tests/libwasmplug: loops, recursion and
;; memory growth for the limits, a host import for async calls.
(module
  (import "env" "tick" (func $tick (param i32) (result i32)))
  (memory (export "memory") 1)

  (func (export "spin")
    (loop $forever (br $forever)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  ;; Grows until memory.grow fails, then traps.
  (func (export "bomb") (result i32)
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    unreachable)
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  ;; Counts to n in a loop: a call whose work is known.
  (func (export "count") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))
  (func (export "ok") (result i32)
    (i32.const 42))
  ;; Calls env.tick n times, summing its answers.
  (func (export "ticks") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (call $tick (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))
  ;; Calls env.tick once, then spins.
  (func (export "tick_then_spin")
    (drop (call $tick (i32.const 0)))
    (loop $forever (br $forever)))
)
