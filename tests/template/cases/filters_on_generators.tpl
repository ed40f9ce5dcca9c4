{{ results.results|map(attribute='plugin')|first }} {{ results.results|map(attribute='plugin')|reverse|list }} {{ results.results|map(attribute='plugin')|list|last }}
{{ results.results|selectattr('plugin')|list|length }} {{ results.results|map(attribute='size')|sort|join(',') }} [{{ (results.results|map(attribute='plugin'))[0] }}]
{{ results.results|map(attribute='plugin')|unique|list }} {{ results.results|map(attribute='uuid')|sum(start=[])|length }} {{ results.results|rejectattr('md5')|list|count }}
