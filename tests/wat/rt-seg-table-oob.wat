;; test-runtime: the second element segment is out of bounds.  The first one
;; stays written (Wasm 2.0); the data segment is never reached, since all
;; element segments go before any data segment.
(module
  (import "M" "tab" (table 10 funcref))
  (import "M" "mem" (memory 1))
  (func $f (result i32) (i32.const 0x51))
  (elem (i32.const 7) $f)
  (elem (i32.const 8) $f $f $f $f $f)
  (data (i32.const 0) "x")
)
