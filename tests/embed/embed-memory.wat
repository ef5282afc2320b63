;; embed-memory.wat -- for embed-memory.c: an exported memory that may grow
;; to 3 pages, and a function that grows it.
(module
  (memory (export "mem") 1 3)
  (data (i32.const 16) "hello")
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size)))
