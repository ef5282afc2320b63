;; api-table-host.wat -- exports a table that another module fills, and calls
;; through it (the failed-instantiation lifetime test of test-api.c).
(module
  (type $get (func (result i32)))
  (table (export "table") 4 funcref)
  (func (export "call") (param i32) (result i32)
    (call_indirect (type $get) (local.get 0))))
