# Package custos.lib.secrets classifies Secrets Manager secrets.
package custos.lib.secrets

# present holds for a value that is set: neither null nor the empty string.
present(value) if {
	value != null
	value != ""
}

# owned_by_service holds for a secret that another AWS service manages (RDS, Redshift, …).
owned_by_service(secret) if present(secret.owning_service)

# scheduled_for_deletion holds for a secret with a deletion date.
scheduled_for_deletion(secret) if present(secret.deleted_date)

# rotates holds for a secret with automatic rotation on.
rotates(secret) if secret.rotation_enabled == true

# last_rotation is [field, timestamp]: when the secret last rotated or, when it never
# has, when it was created, so that a new secret is judged from its creation.
last_rotation(secret) := ["last_rotated_date", secret.last_rotated_date] if {
	present(secret.last_rotated_date)
} else := ["created_date", secret.created_date] if {
	present(secret.created_date)
}
