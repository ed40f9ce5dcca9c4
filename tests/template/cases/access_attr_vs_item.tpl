{% set d = {'items': 'the items key', 'keys': 'the keys key'} %}
{{ d['items'] }} / {{ d['keys'] }}
{{ results.results|first|attr('plugin') }}
