// Charts in React and SVG with no chart library: each is one accessible image with a hidden table of its numbers.
export { AgentRefusalsChart, PaymentSuccessRateChart, ruleLabel, VolumeChart } from './analytics-charts';
export { BarChart, type BarDatum } from './BarChart';
export { ChartFrame, type ChartTable } from './ChartFrame';
export { LineChart, type LineDatum } from './LineChart';
export { formatBucket, formatPercent, niceTicks, type Interval } from './scale';
export { SERIES_COLOURS, StackedBarChart, type StackDatum } from './StackedBarChart';
