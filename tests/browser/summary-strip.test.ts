import type { Locator, Page } from '@playwright/test';
import { expect, ownRows, signIn, tenants, test } from './fixtures';

/**
 * The summary strip above the live grid: per queue, the wall's figures over the live rows
 * (waiting, longest wait, active, ACW, closed today, service level against the queue's goal),
 * live as rows change, coloured by the queue's wait thresholds, narrowed by the queue filter,
 * and absent on a history range. Rows are ids 7_500_xxx in two queues no other file of the
 * shared server writes to, deleted after each test.
 */

const tenant = tenants[0];
const [queueA, queueB] = [tenant.queues[2], tenant.queues[3]];
const MINUTE = 60_000;
ownRows(7_500_000, 7_599_999);

const tile = (page: Page, queueId: number) =>
	page.getByTestId('summary-strip').locator(`li[data-queue="${queueId}"]`);

async function expectFigures(
	card: Locator,
	want: { waiting: string; active: string; acw: string; closed: string; sl: RegExp }
) {
	await expect(card.getByTestId('summary-waiting')).toHaveText(want.waiting);
	await expect(card.getByTestId('summary-active')).toHaveText(want.active);
	await expect(card.getByTestId('summary-acw')).toHaveText(want.acw);
	await expect(card.getByTestId('summary-closed')).toHaveText(want.closed);
	await expect(card.getByTestId('summary-sl')).toHaveText(want.sl);
}

/**
 * Queue A: two waiting for 90 s (past the 20 s service level, amber by the default 60/120 s),
 * one active, one closed after an answer, one abandoned. Queue B: one waiting for 5 minutes
 * (red), one in ACW.
 */
async function writeRows(pbx: import('../support/pbx').TestPbx) {
	const [agent] = tenant.agents;
	const ago = (ms: number) => new Date(Date.now() - ms);
	const at = (id: number, queueId: number, createdAt?: Date) =>
		pbx.insertNew({ id, tenantId: tenant.id, queueId, createdAt });
	await at(7_500_001, queueA.id, ago(1.5 * MINUTE));
	await at(7_500_002, queueA.id, ago(1.5 * MINUTE));
	await at(7_500_003, queueA.id);
	await pbx.answer(7_500_003, agent.id);
	await at(7_500_004, queueA.id);
	await pbx.answer(7_500_004, agent.id);
	await pbx.close(7_500_004);
	await at(7_500_005, queueA.id);
	await pbx.close(7_500_005);
	await at(7_500_011, queueB.id, ago(5 * MINUTE));
	await at(7_500_012, queueB.id);
	await pbx.answer(7_500_012, agent.id);
	await pbx.startAcw(7_500_012);
}

test('each queue shows what was written, and follows a row answered without a reload', async ({
	page,
	pbx
}) => {
	await signIn(page, 'pw.admin');
	await page.goto('/interactions');
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	await writeRows(pbx);

	const a = tile(page, queueA.id);
	const b = tile(page, queueB.id);
	await expect(a.getByRole('heading')).toHaveText(queueA.name);
	// A: answered 2 within 20 s, abandoned 1, 2 still waiting past 20 s: 2 of 5 = 40%, below 80%.
	await expectFigures(a, { waiting: '2', active: '1', acw: '0', closed: '2', sl: /^40%\s*\/ 80%/ });
	await expect(a.getByTestId('summary-longest')).toHaveText(/^1:3\d/);
	await expect(a).toHaveAttribute('data-level', 'amber');
	await expect(a.locator('.sl')).toHaveAttribute('data-sl', 'missed');
	// B: the ACW row answered at once, the waiting one past 20 s: 1 of 2 = 50%.
	await expectFigures(b, { waiting: '1', active: '0', acw: '1', closed: '0', sl: /^50%/ });
	await expect(b.getByTestId('summary-longest')).toHaveText(/^5:0\d/);
	await expect(b).toHaveAttribute('data-level', 'red');
	await expect(b.getByText('over the red limit')).toHaveCount(1);

	// Answered: one fewer waiting, one more active, on the open page.
	await pbx.answer(7_500_001, tenant.agents[1].id);
	await expect(a.getByTestId('summary-waiting')).toHaveText('1');
	await expect(a.getByTestId('summary-active')).toHaveText('2');
	// Closed from ACW: B's ACW empties and its closed count rises.
	await pbx.close(7_500_012);
	await expect(b.getByTestId('summary-acw')).toHaveText('0');
	await expect(b.getByTestId('summary-closed')).toHaveText('1');
	// Answered after 5 minutes: nobody waits in B, so no longest wait and no colour.
	await pbx.answer(7_500_011, tenant.agents[1].id);
	await expect(b.getByTestId('summary-waiting')).toHaveText('0');
	await expect(b.getByTestId('summary-longest')).toHaveText('—');
	await expect(b).toHaveAttribute('data-level', 'ok');
});

test("the strip's figures are the wall's for the same queues", async ({ page, pbx }) => {
	await signIn(page, 'pw.admin');
	await writeRows(pbx);
	await page.goto('/interactions');
	const wall = await page.context().newPage();
	await wall.goto(`/wall?queues=${queueA.id},${queueB.id}`);
	for (const queue of [queueA, queueB]) {
		const card = tile(page, queue.id);
		const wallTile = wall.locator(`section[data-queue="${queue.id}"]`);
		await expect(card.getByTestId('summary-waiting')).not.toHaveText('—');
		await expect(wallTile.getByTestId('count-new')).toHaveText(
			(await card.getByTestId('summary-waiting').textContent()) ?? ''
		);
		for (const [mine, theirs] of [
			['summary-active', 'count-active'],
			['summary-acw', 'count-acw'],
			['summary-closed', 'count-closed']
		]) {
			const text = (await card.getByTestId(mine).textContent()) ?? '';
			await expect(wallTile.getByTestId(theirs)).toHaveText(text);
		}
		const sl = (await card.getByTestId('summary-sl').textContent())?.match(/^\s*(\d+%|—)/)?.[1];
		await expect(wallTile.getByTestId('service-level')).toHaveText(new RegExp(`^\\s*${sl}`));
		await expect(wallTile).toHaveAttribute('data-level', (await card.getAttribute('data-level'))!);
	}
	await wall.close();
});

test('the queue filter narrows the strip; a history range has none', async ({ page, pbx }) => {
	await signIn(page, 'pw.admin');
	await page.goto(`/interactions?queue=${queueB.id}`);
	await expect(page.getByTestId('connection-status')).toHaveText(/Live/);
	await writeRows(pbx);
	const strip = page.getByTestId('summary-strip');
	await expect(strip.locator('li[data-queue]')).toHaveCount(1);
	await expectFigures(tile(page, queueB.id), {
		waiting: '1',
		active: '0',
		acw: '1',
		closed: '0',
		sl: /^50%/
	});
	await page.getByRole('combobox', { name: 'Queue' }).selectOption('');
	await expect(strip.locator('li[data-queue]')).toHaveCount(tenant.queues.length);
	await page.getByRole('radio', { name: 'Last 7 days' }).click();
	await expect(page.getByTestId('row-count')).toContainText(' to ');
	await expect(strip).toHaveCount(0);
	await page.getByRole('radio', { name: 'Today' }).click();
	await expect(strip.locator('li[data-queue]')).toHaveCount(tenant.queues.length);
});

test("a supervisor's strip has its own queues only; the channel filter narrows the rows", async ({
	page,
	pbx
}) => {
	await writeRows(pbx);
	await signIn(page, 'pw.supervisor');
	const strip = page.getByTestId('summary-strip');
	await expect(strip.locator('li[data-queue]')).toHaveCount(1);
	await expect(tile(page, tenant.queues[0].id)).toHaveCount(1);

	await page.getByRole('button', { name: 'Sign out' }).click();
	await signIn(page, 'pw.admin');
	await page.goto(`/interactions?queue=${queueB.id}`);
	await expect(tile(page, queueB.id).getByTestId('summary-waiting')).toHaveText('1');
	// Every row written is a voice call: none is a chat.
	await page.getByRole('combobox', { name: 'Channel' }).selectOption('Chat');
	await expect(page).toHaveURL(/channel=chat/);
	await expectFigures(tile(page, queueB.id), {
		waiting: '0',
		active: '0',
		acw: '0',
		closed: '0',
		sl: /^—/
	});
});
