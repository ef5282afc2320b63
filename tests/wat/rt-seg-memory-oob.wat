;; test-runtime: element segments done, data segments applied in order until
;; the third one, which straddles the end of memory and writes nothing.
(module
  (import "M" "tab" (table 10 funcref))
  (import "M" "mem" (memory 1))
  (func $g (result i32) (i32.const 0x52))
  (elem (i32.const 3) $g)
  (data (i32.const 100) "\01\02")
  (data (i32.const 100) "\03")
  (data (i32.const 0xFFFF) "ab")
)
