;; The sandbox's table limit: a table that grows on request, and one that
;; starts with 100 elements.
(module
  (table $t 10 funcref)
  (table $big 100 funcref)
  (func (export "grow") (param i32) (result i32)
    (table.grow $t (ref.null func) (local.get 0)))
  (func (export "size") (result i32) (table.size $t)))
