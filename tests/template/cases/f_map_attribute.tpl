{{ results.results|map(attribute='plugin')|list }}
{{ results.results|map(attribute='filename', default='?')|list }}
{{ results.results|map(attribute='uuid.0')|list }}
{{ results.results|map(attribute='source_meta.password', default='-')|list }}
