"""The simulated PAI resources that raise events: models and versions (the model registry), EAS
services, DLC jobs, DSW instances and Designer flow tasks. Their services change state and call
`notifications.services.events.publish` in the same transaction."""
