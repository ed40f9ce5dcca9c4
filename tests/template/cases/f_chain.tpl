{{ results.results|map(attribute='plugin')|unique|sort|join(', ')|upper|center(40)|trim }}
{{ results.results|selectattr('md5')|map(attribute='md5')|map('truncate', 11)|list|tojson }}
