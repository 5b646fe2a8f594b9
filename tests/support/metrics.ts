/** The sum of a Prometheus text exposition's series of `name` whose labels include `labels`. */
export function metric(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if ((line.startsWith(`${name}{`) && line.includes(labels)) || (!labels && line.startsWith(`${name} `))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
