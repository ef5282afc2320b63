;; test-runtime: a start function that writes to an imported memory, then
;; traps: instantiation fails with the trap's message, the write stays.
(module
  (import "M" "mem" (memory 1))
  (func $start
    (i32.store8 (i32.const 200) (i32.const 9))
    (unreachable))
  (start $start)
)
