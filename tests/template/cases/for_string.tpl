{% for c in results.tlp|default('none', true) %}[{{ c }}]{% endfor %}

{% for c in 'été' %}{{ c }}.{% endfor %}
