{{ [1, 2, 1, 3, 2]|unique|list }} {{ ['a', 'A', 'b']|unique|list }} {{ ['a', 'A', 'b']|unique(case_sensitive=true)|list }}
{{ results.results|map(attribute='plugin')|unique|list }}
{{ results.results|unique(attribute='payload_id')|map(attribute='payload_id')|list }}
