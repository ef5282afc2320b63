;; The test module of test-faults.c (issue 15): traps of every kind, a
;; memory that grows (up to 3 pages of its own), a host import, and a sleep
;; through WASI's poll_oneoff.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "env" "log" (func $log (param i32 i32)))
  (import "env" "mark" (func $mark (param i32) (result i32)))
  (memory (export "memory") 1 3)
  (data (i32.const 16) "hello")

  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  ;; load(address): traps past the end of the memory.
  (func (export "load") (param i32) (result i32)
    (i32.load (local.get 0)))
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "pages") (result i32)
    (memory.size))
  ;; Grows until memory.grow fails, then traps (as a C allocator's abort).
  (func (export "bomb")
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    unreachable)
  ;; Asks for one page more; when refused, goes on and divides by zero.
  (func (export "grow_then_div") (result i32)
    (drop (memory.grow (i32.const 1)))
    (i32.div_s (i32.const 1) (i32.const 0)))
  ;; say(): env.log("hello")
  (func (export "say")
    (call $log (i32.const 16) (i32.const 5)))
  ;; mark(n) = env.mark(n)
  (func (export "mark") (param i32) (result i32)
    (call $mark (local.get 0)))
  ;; sleep(ns): env.mark(1), then one poll_oneoff on a relative monotonic
  ;; clock of ns nanoseconds; returns its errno.
  (func (export "sleep") (param $ns i64) (result i32)
    (drop (call $mark (i32.const 1)))
    ;; the subscription at 1024: userdata 0, tag 0 (clock), id 1, timeout
    (i64.store (i32.const 1024) (i64.const 0))
    (i32.store8 (i32.const 1032) (i32.const 0))
    (i32.store (i32.const 1040) (i32.const 1))
    (i64.store (i32.const 1048) (local.get $ns))
    (i64.store (i32.const 1056) (i64.const 0))
    (i32.store16 (i32.const 1064) (i32.const 0))
    (call $poll_oneoff (i32.const 1024) (i32.const 2048) (i32.const 1) (i32.const 3072)))
)
