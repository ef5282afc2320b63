;; Starts with 4 pages: above a sandbox limit of 2.
(module
  (memory (export "memory") 4)
  (func (export "ok") (result i32) (i32.const 1)))
