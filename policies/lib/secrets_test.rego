package custos.lib.secrets_test

import data.custos.lib.secrets

test_owned_by_service if {
	secrets.owned_by_service({"owning_service": "rds"})
	not secrets.owned_by_service({"owning_service": ""})
	not secrets.owned_by_service({"owning_service": null})
	not secrets.owned_by_service({})
}

test_scheduled_for_deletion if {
	secrets.scheduled_for_deletion({"deleted_date": "2024-01-01T00:00:00Z"})
	not secrets.scheduled_for_deletion({"deleted_date": null})
	not secrets.scheduled_for_deletion({})
}

test_last_rotation if {
	secrets.last_rotation({"last_rotated_date": "2024-02-01T00:00:00Z", "created_date": "2024-01-01T00:00:00Z"}) == ["last_rotated_date", "2024-02-01T00:00:00Z"]
	secrets.last_rotation({"created_date": "2024-01-01T00:00:00Z"}) == ["created_date", "2024-01-01T00:00:00Z"]
	not secrets.last_rotation({})
}
