{{ results.results|map(attribute='size')|select('gt', 1000)|list }}
{{ results.results|map(attribute='size')|reject('gt', 1000)|list }}
{{ results.results|map(attribute='filename')|select|list }}
{{ [1, none, 2]|reject('none')|list }} {{ ['a', 1, 'b']|select('string')|list }}
