{% filter trim|replace('a', '4')|center(30) %}
   {{ results.date|default('undated') }} alpha   
{% endfilter %}|
{% filter indent(4, true) %}
one
two
{% endfilter %}
