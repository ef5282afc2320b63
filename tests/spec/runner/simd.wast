;; A SIMD module (rejected until SIMD is executed) and a command on it; the
;; plain module after them must still pass.
(module (func (export "v") (result v128) (v128.const i32x4 1 2 3 4)))
(assert_return (invoke "v") (v128.const i32x4 1 2 3 4))
(module (func (export "x") (result i32) (i32.const 3)))
(assert_return (invoke "x") (i32.const 3))
