;; hostile: everything a plugin should not do, one export each, to show
;; that the host's limits stop it and that the host goes on.
(module
  (memory (export "memory") 1)

  ;; spin: an infinite loop (stopped by timeout-ms, fuel or cancel).
  (func (export "spin")
    (loop $forever
      (br $forever)))

  ;; recurse(n): unbounded recursion (stopped by the stack limit:
  ;; "call stack exhausted").
  (func $recurse (export "recurse") (param $n i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get $n) (i32.const 1)))
             (i32.const 1)))

  ;; bomb: grows memory by one page until memory.grow fails (at the
  ;; sandbox's max-memory-pages, or the 4 GiB of a 32-bit memory), then
  ;; traps with "unreachable".
  (func (export "bomb") (result i32)
    (loop $grow
      (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    unreachable)

  ;; oob: loads one word past the end of memory ("out of bounds memory
  ;; access").
  (func (export "oob") (result i32)
    (i32.load (i32.mul (memory.size) (i32.const 65536))))

  ;; ok: a well-behaved call, to show the plugin still works after a trap.
  (func (export "ok") (result i32)
    (i32.const 42))
)
