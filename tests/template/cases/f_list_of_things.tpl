{{ (results.plugins|default({})).items()|list|length }} {{ 'é😀'|list }} {{ results.results|map(attribute='uuid')|map('length')|list }} {{ {'a': 1}.values()|list }}
