{{ results.results|map(attribute='source_meta.password')|list }}
{{ [nothing, 1] }}
