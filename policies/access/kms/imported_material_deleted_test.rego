package custos.access.kms.imported_material_deleted_test

import data.custos.access.kms.imported_material_deleted

event(name) := {
	"resource": {"source": "kms.amazonaws.com", "name": name, "error_code": "", "target": "arn:aws:kms:eu-west-1:111122223333:key/k1", "evidence": {"id": "e1"}},
	"context": {"principal": {"key": "arn:aws:iam::111122223333:role/ops"}},
}

test_deny_deleted if count(imported_material_deleted.deny) == 1 with input as event("DeleteImportedKeyMaterial")

test_pass_import if count(imported_material_deleted.deny) == 0 with input as event("ImportKeyMaterial")
