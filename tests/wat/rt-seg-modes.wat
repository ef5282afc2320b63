;; test-runtime: which segments instantiation drops, and global initialisers
;; that read an imported global.
(module
  (import "M" "gi" (global $gi i32))
  (table 4 funcref)
  (memory 1)
  (func $h (result i32) (i32.const 7))
  (global (export "copy") i32 (global.get $gi))
  (elem (i32.const 1) $h)                ;; 0: active, dropped
  (elem func $h)                         ;; 1: passive, kept
  (elem declare func $h)                 ;; 2: declarative, dropped
  (data "passive")                       ;; 0: passive, kept
  (data (i32.const 16) "active")         ;; 1: active, dropped
  (func (export "call1") (result i32) (call_indirect (result i32) (i32.const 1)))
)
