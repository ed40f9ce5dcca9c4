{{ results.results|rejectattr('plugin', 'equalto', 'yara')|map(attribute='plugin')|list }}
{{ results.results|rejectattr('dispatcher')|map(attribute='payload_id')|list }}
{{ results.results|rejectattr('source_meta', 'none')|map(attribute='payload_id')|list }}
