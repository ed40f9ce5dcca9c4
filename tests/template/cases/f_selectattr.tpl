{{ results.results|selectattr('filename')|map(attribute='filename')|list }}
{{ results.results|selectattr('plugin', 'equalto', 'yara')|list|length }}
{{ results.results|selectattr('dispatcher', 'defined')|map(attribute='payload_id')|list }}
