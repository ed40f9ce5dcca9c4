{{ results.results|selectattr('plugin', 'eq', 'yara')|list|count }} {{ results.plugins|count }}
