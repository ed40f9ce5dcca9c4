before
{% for x in nothing %}
never {{ x }}
{% else %}
undefined iterates as empty
{% endfor %}
{% for x in results.nothing %}{{ x }}{% endfor %}
after
