{% set label = 'L1' %}
{% include '_partials/nested_outer.tpl' %}
