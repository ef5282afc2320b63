;; Imports api-lib.wat's exports under the name "lib".
(module
  (import "lib" "inc" (func $inc (result i32)))
  (import "lib" "memory" (memory 1))
  (func (export "use") (result i32)
    (i32.store (i32.const 8) (i32.const 0x55))
    (call $inc))
)
