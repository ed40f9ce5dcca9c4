{% macro m(a, b) %}[{{ a }}][{{ b }}]{% endmacro %}
{{ m(1) }} {{ m() }} {{ m(b=2) }}
{% macro d(a, b=a ~ '!') %}{{ a }}{{ b }}{% endmacro %}
{{ d('x') }} {{ d('x', 'y') }}
{% set alias = m %}{{ alias(3, 4) }}
{% macro apply(f, v) %}{{ f(v, v) }}{% endmacro %}{{ apply(m, 5) }}
{% macro loopcheck() %}{{ loop is defined }}{% endmacro %}{% for x in [1] %}{{ loopcheck() }}{% endfor %}

{% macro kw() %}{{ kwargs|dictsort }}{% endmacro %}{{ kw(b=1, a=2) }}
