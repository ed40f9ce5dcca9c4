{% for k, v in {'x': 3, 'y': 1, 'z': 2}|dictsort(by='value') %}{{ k }}:{{ v }} {% endfor %}

{% for k, v in {'x': 3, 'y': 1, 'z': 2}|dictsort(reverse=true) %}{{ k }}:{{ v }} {% endfor %}

{% for k, v in {'x': 3, 'y': 1, 'z': 2}|dictsort(false, 'value', true) %}{{ k }}:{{ v }} {% endfor %}

{% for r in results.results if r.scan is mapping %}
{{ r.scan|dictsort|map('first')|join(',') }}
{% endfor %}
