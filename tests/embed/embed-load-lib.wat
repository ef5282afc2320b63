;; embed-load-lib.wat -- found by name through the module reader of
;; embed-load.c when embed-load-main imports from "embed-load-lib".
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
